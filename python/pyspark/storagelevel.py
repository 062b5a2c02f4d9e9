"""StorageLevel: plain values (persist()/cache() are DataFrame and RDD calls,
which need the Spark engine; scripts still import and name the levels)."""


class StorageLevel:
    def __init__(self, useDisk, useMemory, useOffHeap, deserialized, replication=1):
        self.useDisk, self.useMemory, self.useOffHeap = useDisk, useMemory, useOffHeap
        self.deserialized, self.replication = deserialized, replication

    def __repr__(self):
        return (f"StorageLevel({self.useDisk}, {self.useMemory}, {self.useOffHeap}, "
                f"{self.deserialized}, {self.replication})")

    def __eq__(self, other):
        return isinstance(other, StorageLevel) and repr(self) == repr(other)

    def __hash__(self):
        return hash(repr(self))


for _name, _args in {
        "DISK_ONLY": (True, False, False, False), "DISK_ONLY_2": (True, False, False, False, 2),
        "DISK_ONLY_3": (True, False, False, False, 3),
        "MEMORY_ONLY": (False, True, False, False),
        "MEMORY_ONLY_2": (False, True, False, False, 2),
        "MEMORY_AND_DISK": (True, True, False, False),
        "MEMORY_AND_DISK_2": (True, True, False, False, 2),
        "OFF_HEAP": (True, True, True, False, 1),
        "MEMORY_AND_DISK_DESER": (True, True, False, True)}.items():
    setattr(StorageLevel, _name, StorageLevel(*_args))
del _name, _args
