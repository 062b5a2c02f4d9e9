"""pyspark.sql.types: the type classes scripts build schemas with. They
can be made and printed; only a Spark engine would use them."""

__all__ = ["DataType", "NullType", "StringType", "BinaryType", "BooleanType", "DateType",
           "TimestampType", "DecimalType", "DoubleType", "FloatType", "ByteType", "IntegerType",
           "LongType", "ShortType", "ArrayType", "MapType", "StructField", "StructType", "Row"]


class DataType:
    _name = "unknown"

    def simpleString(self):
        return self._name

    def typeName(self):
        return self._name

    def __repr__(self):
        return f"{type(self).__name__}()"

    def __eq__(self, other):
        return type(self) is type(other) and self.__dict__ == other.__dict__

    def __hash__(self):
        return hash(self.simpleString())


def _simple(class_name, name):
    return type(class_name, (DataType,), {"_name": name})


NullType = _simple("NullType", "void")
StringType = _simple("StringType", "string")
BinaryType = _simple("BinaryType", "binary")
BooleanType = _simple("BooleanType", "boolean")
DateType = _simple("DateType", "date")
TimestampType = _simple("TimestampType", "timestamp")
DoubleType = _simple("DoubleType", "double")
FloatType = _simple("FloatType", "float")
ByteType = _simple("ByteType", "tinyint")
IntegerType = _simple("IntegerType", "int")
LongType = _simple("LongType", "bigint")
ShortType = _simple("ShortType", "smallint")


class DecimalType(DataType):
    def __init__(self, precision=10, scale=0):
        self.precision, self.scale = precision, scale

    def simpleString(self):
        return f"decimal({self.precision},{self.scale})"

    def __repr__(self):
        return f"DecimalType({self.precision},{self.scale})"


class ArrayType(DataType):
    def __init__(self, elementType, containsNull=True):
        self.elementType, self.containsNull = elementType, containsNull

    def simpleString(self):
        return f"array<{self.elementType.simpleString()}>"

    def __repr__(self):
        return f"ArrayType({self.elementType!r}, {self.containsNull})"


class MapType(DataType):
    def __init__(self, keyType, valueType, valueContainsNull=True):
        self.keyType, self.valueType = keyType, valueType
        self.valueContainsNull = valueContainsNull

    def simpleString(self):
        return f"map<{self.keyType.simpleString()},{self.valueType.simpleString()}>"

    def __repr__(self):
        return f"MapType({self.keyType!r}, {self.valueType!r}, {self.valueContainsNull})"


class StructField(DataType):
    def __init__(self, name, dataType, nullable=True, metadata=None):
        self.name, self.dataType, self.nullable = name, dataType, nullable
        self.metadata = dict(metadata or {})

    def simpleString(self):
        return f"{self.name}:{self.dataType.simpleString()}"

    def __repr__(self):
        return f"StructField('{self.name}', {self.dataType!r}, {self.nullable})"


class StructType(DataType):
    def __init__(self, fields=None):
        self.fields = list(fields or [])

    def add(self, field, data_type=None, nullable=True, metadata=None):
        if isinstance(field, StructField):
            self.fields.append(field)
        else:
            if isinstance(data_type, str):
                raise ValueError("StructType.add: give the data type as a DataType object")
            self.fields.append(StructField(field, data_type, nullable, metadata))
        return self

    def fieldNames(self):
        return [f.name for f in self.fields]

    @property
    def names(self):
        return self.fieldNames()

    def __iter__(self):
        return iter(self.fields)

    def __len__(self):
        return len(self.fields)

    def __getitem__(self, key):
        if isinstance(key, str):
            for f in self.fields:
                if f.name == key:
                    return f
            raise KeyError(f"No StructField named {key}")
        return self.fields[key]

    def simpleString(self):
        return "struct<" + ",".join(f.simpleString() for f in self.fields) + ">"

    def __repr__(self):
        return "StructType([" + ", ".join(repr(f) for f in self.fields) + "])"


class Row(tuple):
    """Row(name=value, ...) or Row("a", "b") (a row class); fields by name or index."""

    def __new__(cls, *args, **kwargs):
        if args and kwargs:
            raise ValueError("Row takes positional values or keyword fields, not both")
        if kwargs:
            row = tuple.__new__(cls, kwargs.values())
            row.__fields__ = list(kwargs)
            return row
        return tuple.__new__(cls, args)

    def asDict(self, recursive=False):
        if not hasattr(self, "__fields__"):
            raise TypeError("Cannot convert a Row class into a dict")
        return dict(zip(self.__fields__, self))

    def __call__(self, *values):
        row = tuple.__new__(Row, values)
        row.__fields__ = list(self)
        return row

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return self[self.__fields__.index(name)]
        except (ValueError, AttributeError):
            raise AttributeError(name) from None

    def __getitem__(self, item):
        if isinstance(item, str):
            return tuple.__getitem__(self, self.__fields__.index(item))
        return tuple.__getitem__(self, item)

    def __repr__(self):
        if hasattr(self, "__fields__"):
            return "Row(" + ", ".join(f"{k}={v!r}" for k, v in zip(self.__fields__, self)) + ")"
        return "<Row(" + ", ".join(repr(v) for v in self) + ")>"
