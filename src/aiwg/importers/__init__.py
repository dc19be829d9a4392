"""Reading a platform's own files back into library items: `aiwg import` and `aiwg pull`.

Every path, format and field name comes from the adapter: a file is found by the kind's path
template, read in the kind's format, and its keys are mapped back through the kind's field map
(the renderer's mapping run in reverse). One module per native format; this package's modules
share the `Imported` item they produce.
"""
