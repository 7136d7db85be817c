"""Parse: one report file's bytes into figures. `read` decodes the bytes and turns them into an
ordered stream of cells, each with its source line (a reader per format, chosen by suffix);
`extract` finds the template's labels (from the codebook) in that stream and reads the figures of
each row; `digits` settles figures printed glued together. In: bytes and a suffix. Out: a
`model.Report` with facts, texts and findings; nothing about regions, agencies or other reports."""
