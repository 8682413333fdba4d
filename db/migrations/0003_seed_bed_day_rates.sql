-- Example bed-day rates (2016-level somatic figures, source 001/002 context): 3,952 kr/day for
-- days 1-2 and 5,928 kr/day from day 3, valid from 2016-01-01. EXAMPLE RATES: replace them with
-- the rates in force by adding rows with a later valid_from (POST /payments/bed-day-rates).
INSERT INTO "bed_day_rates" ("valid_from", "from_day", "to_day", "dkk_per_day") VALUES
	('2016-01-01', 1, 2, 3952.00),
	('2016-01-01', 3, NULL, 5928.00)
ON CONFLICT DO NOTHING;
