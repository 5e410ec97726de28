-- 0030 inline case contents: a case's sealed content stays in its row.
--
-- Sealed content is ciphertext, about 3 kB a case (up to 6 kB), and does not compress. With
-- the default storage (EXTENDED), every row over 2 kB was moved out to the TOAST table in 2 kB
-- chunks, and every read of a case looked it up again there: a second index and two or three
-- more pages a read, the largest part of the point read's work after its six index lookups.
-- MAIN keeps the value in the row (a row goes out of line only when it could not fit on a page
-- at all). Rows written before this migration move back in when their case is next written, or
-- all at once with `VACUUM FULL case_contents` (docs/OPERATIONS.md).
ALTER TABLE case_contents ALTER COLUMN content SET STORAGE MAIN;
