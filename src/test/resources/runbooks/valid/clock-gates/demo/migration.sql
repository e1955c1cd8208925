-- Fixture: the loader only checks that this file exists.
SELECT 1;
