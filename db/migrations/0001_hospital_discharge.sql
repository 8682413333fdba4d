CREATE TABLE "care_plans" (
	"case_id" uuid PRIMARY KEY NOT NULL,
	"citizen_id" uuid NOT NULL,
	"ward" text NOT NULL,
	"admitted_at" timestamp with time zone NOT NULL,
	"expected_discharge_date" date,
	"functional_level" text NOT NULL,
	"free_text" text,
	"routed_to" text NOT NULL,
	"age_at_receipt" integer NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "discharge_notes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"case_id" uuid NOT NULL,
	"key" text NOT NULL,
	"kind" text NOT NULL,
	"body" text NOT NULL,
	"user_id" text NOT NULL,
	"role" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "discharge_tasks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"key" text NOT NULL,
	"kind" text NOT NULL,
	"recipient_role" text NOT NULL,
	"due_day" date NOT NULL,
	"message" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"done_by" text,
	"done_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "provider_handovers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"key" text NOT NULL,
	"decision" text NOT NULL,
	"minutes_per_week" integer,
	"handed_at" timestamp with time zone NOT NULL,
	"starts_on" date NOT NULL,
	"phone_provider" boolean NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "care_plans" ADD CONSTRAINT "care_plans_citizen_id_citizens_id_fk" FOREIGN KEY ("citizen_id") REFERENCES "public"."citizens"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "discharge_tasks" ADD CONSTRAINT "discharge_tasks_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provider_handovers" ADD CONSTRAINT "provider_handovers_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "discharge_notes_case_key_uq" ON "discharge_notes" USING btree ("case_id","key");--> statement-breakpoint
CREATE INDEX "discharge_notes_case_idx" ON "discharge_notes" USING btree ("case_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "discharge_tasks_case_key_uq" ON "discharge_tasks" USING btree ("case_id","key");--> statement-breakpoint
CREATE INDEX "discharge_tasks_status_idx" ON "discharge_tasks" USING btree ("status","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "provider_handovers_case_key_uq" ON "provider_handovers" USING btree ("case_id","key");