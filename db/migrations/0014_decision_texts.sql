-- One table for the free text written alongside a decision (both case types): decision_texts.
-- Copies every row of psychiatric_records (body as it is) and of discharge_notes (body
-- {"text": <note>}), keeping case, key, kind, user, role and instant, then drops the two tables.
-- discharge_notes had no foreign key to cases: a note whose case row does not exist cannot
-- satisfy decision_texts' foreign key and is not copied (notes are written only for an existing
-- case, so there is none in practice). Rows are copied oldest first, so ids keep each case's order.
CREATE TABLE "decision_texts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"case_id" uuid NOT NULL,
	"key" text NOT NULL,
	"kind" text NOT NULL,
	"body" jsonb NOT NULL,
	"user_id" text NOT NULL,
	"role" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "decision_texts" ADD CONSTRAINT "decision_texts_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "decision_texts_case_key_uq" ON "decision_texts" USING btree ("case_id","key");--> statement-breakpoint
CREATE INDEX "decision_texts_case_at_idx" ON "decision_texts" USING btree ("case_id","at");--> statement-breakpoint
INSERT INTO "decision_texts" ("case_id", "key", "kind", "body", "user_id", "role", "at")
SELECT "case_id", "key", "kind", "body", "user_id", "role", "at" FROM (
	SELECT r."case_id", r."key", r."kind", r."body", r."user_id", r."role", r."at", 1 AS "source", r."id"
	FROM "psychiatric_records" r
	UNION ALL
	SELECT n."case_id", n."key", n."kind", jsonb_build_object('text', n."body"), n."user_id", n."role", n."at", 2 AS "source", n."id"
	FROM "discharge_notes" n
	WHERE EXISTS (SELECT 1 FROM "cases" c WHERE c."id" = n."case_id")
) AS "old"
ORDER BY "at", "source", "id";--> statement-breakpoint
DROP TABLE "discharge_notes" CASCADE;--> statement-breakpoint
DROP TABLE "psychiatric_records" CASCADE;
