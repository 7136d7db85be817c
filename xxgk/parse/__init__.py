"""Parse: one report file's bytes into figures. `read` decodes the bytes and turns them into an
ordered stream of cells, each with its source line (a reader per format, chosen by suffix);
`extract` finds the template's labels (from the codebook) in that stream and reads the figures of
each row (`stream`, `patterns`, `sections`, `rows`, `resolve`); `digits` reads printed figures
and splits figures printed glued together, settled by the codebook's identities. What the parser
reads reports by beyond the template's labels (file signatures, crawler headers, numerals, units)
is in `vocabulary.yaml`. In: bytes and a suffix. Out: a `model.Report` with facts, texts and
findings; nothing about regions, agencies or other reports."""
