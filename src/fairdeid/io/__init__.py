"""Reading the user's records and writing results: the one input/output layer.

``readers`` turn files into ``Document | RecordError`` items with locators, ``writers`` write
results in the input's shape with atomic file replacement, ``fingerprint`` identifies an input
and the settings of a run, ``checkpoint`` lets `fairdeid deidentify` resume, and ``limits``
holds the process-wide CSV field limit. `fairdeid deidentify` and `fairdeid batch` both read and
write through here; ``scale/`` only plans chunks and runs Ray.
"""
