"""Corpus: the report files and where they came from. In: a folder (and files or addresses to add).
Out: the files in a stable order, the refusals of files that are not read (links out, unreadable
folders, over the size cap), each file's provenance record, and new files placed under
deterministic paths. Nothing here parses a report (`xxgk.add`, the command, composes this stage with the
parser)."""
