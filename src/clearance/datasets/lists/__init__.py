"""One reader per list format (OFAC legacy CSV and XML, the trade.gov Consolidated Screening List, BIS
Denied Persons, UN, EU, UK, FollowTheMoney JSON lines), format detection (`reading`), what a list must
pass before it is used (`checks`: cut short, lost rows, shrink, one list a source), snapshots under
CLEARANCE_HOME (`manifest`: a snapshot and the check of its files; `snapshots`: which are active;
`staging`: making them active all or nothing), downloads (`download`) and the import, update, verify and
diff commands (`updates`). Each reader turns a file into `base.ListData`: entities, the lists they come
from, `Problem`s with file and line for every row it could not read, and `fatal` problems when the file
as a whole is cut short or damaged."""
