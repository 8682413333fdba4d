DROP INDEX "bed_day_rates_valid_from_day_uq";--> statement-breakpoint
ALTER TABLE "bed_day_rates" ADD COLUMN "kind" text DEFAULT 'somatic' NOT NULL;--> statement-breakpoint
ALTER TABLE "bed_day_rates" ADD COLUMN "example" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "bed_day_rates_kind_valid_from_day_uq" ON "bed_day_rates" USING btree ("kind","valid_from","from_day");--> statement-breakpoint
ALTER TABLE "bed_day_rates" ADD CONSTRAINT "bed_day_rates_kind_ck" CHECK ("bed_day_rates"."kind" in ('somatic', 'psychiatric'));--> statement-breakpoint
-- The seeded 2016-level somatic figures are EXAMPLES, not the rates in force.
UPDATE "bed_day_rates" SET "example" = true WHERE "valid_from" = '2016-01-01' AND "kind" = 'somatic' AND (("from_day" = 1 AND "dkk_per_day" = 3952.00) OR ("from_day" = 3 AND "dkk_per_day" = 5928.00));--> statement-breakpoint
-- EXAMPLE psychiatric rate (one open-ended tier), valid from 2016-01-01: replace it with the year's
-- official psychiatric rates (POST /payments/bed-day-rates with kind "psychiatric").
INSERT INTO "bed_day_rates" ("kind", "example", "valid_from", "from_day", "to_day", "dkk_per_day") VALUES
	('psychiatric', true, '2016-01-01', 1, NULL, 4396.00)
ON CONFLICT DO NOTHING;
