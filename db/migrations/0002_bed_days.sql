CREATE TABLE "bed_day_periods" (
	"id" serial PRIMARY KEY NOT NULL,
	"case_id" uuid NOT NULL,
	"ready_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"ended_by_discharge" boolean DEFAULT false NOT NULL,
	"first_paid_day_offset" integer DEFAULT 1 NOT NULL,
	"count_discharge_day" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bed_day_periods_case_id_unique" UNIQUE("case_id")
);
--> statement-breakpoint
CREATE TABLE "bed_day_rates" (
	"id" serial PRIMARY KEY NOT NULL,
	"valid_from" date NOT NULL,
	"from_day" integer NOT NULL,
	"to_day" integer,
	"dkk_per_day" numeric(12, 2) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bed_day_rates_days_ck" CHECK ("bed_day_rates"."from_day" >= 1 and ("bed_day_rates"."to_day" is null or "bed_day_rates"."to_day" >= "bed_day_rates"."from_day")),
	CONSTRAINT "bed_day_rates_amount_ck" CHECK ("bed_day_rates"."dkk_per_day" >= 0)
);
--> statement-breakpoint
ALTER TABLE "bed_day_periods" ADD CONSTRAINT "bed_day_periods_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "bed_day_periods_open_idx" ON "bed_day_periods" USING btree ("ended_at");--> statement-breakpoint
CREATE UNIQUE INDEX "bed_day_rates_valid_from_day_uq" ON "bed_day_rates" USING btree ("valid_from","from_day");