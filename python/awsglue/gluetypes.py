"""Glue's DynamicFrame type classes (DynamicFrame.schema() returns a
StructType of these), built from the engine's schema dicts."""


class DataType:
    _type_name = "unknown"

    def __init__(self, properties=None):
        self.properties = dict(properties or {})

    @classmethod
    def typeName(cls):
        return cls._type_name

    def jsonValue(self):
        return {"dataType": self.typeName(), "properties": self.properties}

    def _key(self):
        return (self.typeName(),)

    def __eq__(self, other):
        return isinstance(other, DataType) and self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __repr__(self):
        return f"{type(self).__name__}({self.properties or ''})"


class AtomicType(DataType):
    pass


class UnknownType(DataType):
    _type_name = "unknown"


def _atomic(class_name, type_name):
    return type(class_name, (AtomicType,), {"_type_name": type_name})


BinaryType = _atomic("BinaryType", "binary")
BooleanType = _atomic("BooleanType", "boolean")
ByteType = _atomic("ByteType", "byte")
DateType = _atomic("DateType", "date")
DoubleType = _atomic("DoubleType", "double")
FloatType = _atomic("FloatType", "float")
IntegerType = _atomic("IntegerType", "int")
LongType = _atomic("LongType", "long")
NullType = _atomic("NullType", "null")
ShortType = _atomic("ShortType", "short")
StringType = _atomic("StringType", "string")
TimestampType = _atomic("TimestampType", "timestamp")


class DecimalType(AtomicType):
    _type_name = "decimal"

    def __init__(self, precision=10, scale=2, properties=None):
        super().__init__(properties)
        self.precision = precision
        self.scale = scale

    def jsonValue(self):
        return {**super().jsonValue(), "precision": self.precision, "scale": self.scale}

    def _key(self):
        return ("decimal", self.precision, self.scale)

    def __repr__(self):
        return f"DecimalType({self.precision}, {self.scale})"


class ArrayType(DataType):
    _type_name = "array"

    def __init__(self, elementType=None, properties=None):
        super().__init__(properties)
        self.elementType = elementType if elementType is not None else UnknownType()

    def jsonValue(self):
        return {**super().jsonValue(), "elementType": self.elementType.jsonValue()}

    def _key(self):
        return ("array", self.elementType._key())

    def __repr__(self):
        return f"ArrayType({self.elementType!r})"


class MapType(DataType):
    """Glue's MapType names only the value type (keys are strings); Mortar's
    engine also knows the key type, kept in keyType."""
    _type_name = "map"

    def __init__(self, valueType=None, properties=None, keyType=None):
        super().__init__(properties)
        self.valueType = valueType if valueType is not None else UnknownType()
        self.keyType = keyType if keyType is not None else StringType()

    def jsonValue(self):
        return {**super().jsonValue(), "valueType": self.valueType.jsonValue()}

    def _key(self):
        return ("map", self.keyType._key(), self.valueType._key())

    def __repr__(self):
        return f"MapType({self.valueType!r})"


class Field:
    def __init__(self, name, dataType, properties=None):
        self.name = name
        self.dataType = dataType
        self.properties = dict(properties or {})

    def jsonValue(self):
        return {"name": self.name, "container": self.dataType.jsonValue(),
                "properties": self.properties}

    def __eq__(self, other):
        return (isinstance(other, Field) and self.name == other.name
                and self.dataType == other.dataType)

    def __hash__(self):
        return hash((self.name, self.dataType))

    def __repr__(self):
        return f"Field({self.name}, {self.dataType!r})"


class StructType(DataType):
    _type_name = "struct"

    def __init__(self, fields=None, properties=None):
        super().__init__(properties)
        self.fields = []
        self.field_map = {}
        for field in fields or []:
            self.add(field)

    def add(self, field):
        if not isinstance(field, Field):
            raise TypeError(f"StructType.add takes a Field, not {type(field).__name__}")
        self.fields.append(field)
        self.field_map[field.name] = field
        return self

    def hasField(self, field):
        return (field.name if isinstance(field, Field) else field) in self.field_map

    def getField(self, field):
        return self.field_map[field.name if isinstance(field, Field) else field]

    def jsonValue(self):
        return {**super().jsonValue(), "fields": [f.jsonValue() for f in self.fields]}

    def _key(self):
        return ("struct", tuple((f.name, f.dataType._key()) for f in self.fields))

    def __iter__(self):
        return iter(self.fields)

    def __len__(self):
        return len(self.fields)

    def __repr__(self):
        return "StructType([" + ", ".join(repr(f) for f in self.fields) + "])"


class ChoiceType(DataType):
    """A field whose records disagree on its type: one alternative per type
    name (Glue keys ChoiceType.choices by typeName())."""
    _type_name = "choice"

    def __init__(self, choices=None, properties=None):
        super().__init__(properties)
        self.choices = {}
        for choice in choices or []:
            self.add(choice)

    def add(self, new_choice):
        if new_choice.typeName() in self.choices:
            raise ValueError(f"ChoiceType already has a {new_choice.typeName()} alternative")
        self.choices[new_choice.typeName()] = new_choice
        return self

    def jsonValue(self):
        return {**super().jsonValue(), "choices": [c.jsonValue() for c in self.choices.values()]}

    def _key(self):
        return ("choice", tuple(sorted((k, v._key()) for k, v in self.choices.items())))

    def __repr__(self):
        return "ChoiceType([" + ", ".join(repr(c) for c in self.choices.values()) + "])"


_LEAVES = {cls.typeName(): cls for cls in (BinaryType, BooleanType, ByteType, DateType,
                                          DoubleType, FloatType, IntegerType, LongType, NullType,
                                          ShortType, StringType, TimestampType)}


def _from_schema_dict(d):
    """The engine's schema dict (see the _mortar contract) as Glue types."""
    kind = d.get("type")
    if kind in _LEAVES:
        return _LEAVES[kind]()
    if kind == "decimal":
        return DecimalType(d.get("precision", 10), d.get("scale", 2))
    if kind == "array":
        return ArrayType(_from_schema_dict(d["element"]))
    if kind == "map":
        return MapType(_from_schema_dict(d["value"]), keyType=_from_schema_dict(d["key"]))
    if kind == "struct":
        return StructType([Field(f["name"], _from_schema_dict(f["type"])) for f in d["fields"]])
    if kind == "choice":
        return ChoiceType([_from_schema_dict(t) for t in d["alternatives"]])
    return UnknownType()
