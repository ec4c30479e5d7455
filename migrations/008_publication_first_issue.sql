-- The date of a paper's real first issue (创刊号), when its data gives one.
-- The archive marks an issue 创刊号 only when its date is this one: the
-- oldest issue the site holds is often not the paper's first.
ALTER TABLE publication ADD COLUMN first_issue_date TEXT;
