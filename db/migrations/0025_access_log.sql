CREATE TABLE "access_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"user_id" text NOT NULL,
	"role" text NOT NULL,
	"use" text NOT NULL,
	"citizen_id" uuid,
	"case_id" uuid,
	"purpose" text NOT NULL,
	"status_code" integer NOT NULL,
	"request_id" uuid NOT NULL
);
--> statement-breakpoint
CREATE INDEX "access_log_citizen_idx" ON "access_log" USING btree ("citizen_id","at");--> statement-breakpoint
CREATE INDEX "access_log_at_idx" ON "access_log" USING btree ("at");