-- An intake's reservation of its case number also names the citizen (one open case of a type per
-- citizen: an intake in flight, whose case row is not written yet, counts) and keeps the intake's
-- request hash (the Idempotency-Key's binding to its request, for as long as the case exists).
-- Rows reserved before carry neither: their cases are found through the cases table, their keys
-- are not checked.
ALTER TABLE "case_numbers" ADD COLUMN "citizen_id" uuid;--> statement-breakpoint
ALTER TABLE "case_numbers" ADD COLUMN "request_hash" text;--> statement-breakpoint
CREATE INDEX "case_numbers_citizen_idx" ON "case_numbers" USING btree ("citizen_id","type");