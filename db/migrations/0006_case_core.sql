CREATE SEQUENCE "public"."case_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "case_numbers" (
	"case_id" uuid PRIMARY KEY NOT NULL,
	"case_number" text NOT NULL,
	"type" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "case_numbers_case_number_unique" UNIQUE("case_number")
);
--> statement-breakpoint
CREATE TABLE "obligations" (
	"case_id" uuid NOT NULL,
	"key" text NOT NULL,
	"kind" text NOT NULL,
	"action_code" text NOT NULL,
	"actor_role" text NOT NULL,
	"actor_team" text,
	"escalate_to" text NOT NULL,
	"due_day" date NOT NULL,
	"at_risk_at" timestamp with time zone NOT NULL,
	"escalate_at" timestamp with time zone NOT NULL,
	"state" text NOT NULL,
	"urgency" integer NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"at_risk_since" timestamp with time zone,
	"breached_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "obligations_case_id_key_pk" PRIMARY KEY("case_id","key")
);
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "sla_state" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "next_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "next_due_day" date;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "acting_role" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "acting_team" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "escalated" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "obligations" ADD CONSTRAINT "obligations_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "obligations_queue_idx" ON "obligations" USING btree ("actor_role","urgency","escalate_at");--> statement-breakpoint
CREATE INDEX "cases_sla_idx" ON "cases" USING btree ("sla_state","next_due_at");