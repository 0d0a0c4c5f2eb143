"""One reader per list format (OFAC legacy CSV and XML, the trade.gov Consolidated Screening List, BIS
Denied Persons, UN, EU, UK, FollowTheMoney JSON lines), format detection and the loss check
(`reading`), snapshots under CLEARANCE_HOME (`snapshots`), downloads (`download`) and the import, update
and diff commands (`updates`). Each reader turns a file into `base.ListData`: entities, the lists they
come from, and `Problem`s with file and line for every row it could not read."""
