CREATE TABLE "facilities" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"address" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "facilities_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "place_offers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"place_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"citizen_id" uuid NOT NULL,
	"status" text NOT NULL,
	"offered_at" timestamp with time zone NOT NULL,
	"reply_by" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "places" (
	"id" uuid PRIMARY KEY NOT NULL,
	"facility_id" uuid NOT NULL,
	"place_type" text NOT NULL,
	"label" text NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "priority_changes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"change_key" text NOT NULL,
	"case_id" uuid NOT NULL,
	"from_priority" text NOT NULL,
	"to_priority" text NOT NULL,
	"reason" text NOT NULL,
	"changed_by" text NOT NULL,
	"changed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "priority_changes_change_key_unique" UNIQUE("change_key")
);
--> statement-breakpoint
CREATE TABLE "stay_applications" (
	"case_id" uuid PRIMARY KEY NOT NULL,
	"citizen_id" uuid NOT NULL,
	"place_type" text NOT NULL,
	"purpose" text NOT NULL,
	"priority" text NOT NULL,
	"waiting_since" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"closed_reason" text,
	"origin_case_id" uuid
);
--> statement-breakpoint
CREATE TABLE "stays" (
	"id" uuid PRIMARY KEY NOT NULL,
	"place_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"citizen_id" uuid NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"planned_end_date" date NOT NULL,
	"reassessment" text,
	"reassessed_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"end_reason" text
);
--> statement-breakpoint
ALTER TABLE "place_offers" ADD CONSTRAINT "place_offers_place_id_places_id_fk" FOREIGN KEY ("place_id") REFERENCES "public"."places"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "place_offers" ADD CONSTRAINT "place_offers_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "places" ADD CONSTRAINT "places_facility_id_facilities_id_fk" FOREIGN KEY ("facility_id") REFERENCES "public"."facilities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "priority_changes" ADD CONSTRAINT "priority_changes_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stay_applications" ADD CONSTRAINT "stay_applications_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stay_applications" ADD CONSTRAINT "stay_applications_citizen_id_citizens_id_fk" FOREIGN KEY ("citizen_id") REFERENCES "public"."citizens"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stays" ADD CONSTRAINT "stays_place_id_places_id_fk" FOREIGN KEY ("place_id") REFERENCES "public"."places"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stays" ADD CONSTRAINT "stays_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "place_offers_open_place_uq" ON "place_offers" USING btree ("place_id") WHERE status = 'offered';--> statement-breakpoint
CREATE UNIQUE INDEX "place_offers_open_citizen_uq" ON "place_offers" USING btree ("citizen_id") WHERE status = 'offered';--> statement-breakpoint
CREATE UNIQUE INDEX "places_facility_label_uq" ON "places" USING btree ("facility_id","label");--> statement-breakpoint
CREATE INDEX "places_type_idx" ON "places" USING btree ("place_type");--> statement-breakpoint
CREATE UNIQUE INDEX "stay_applications_open_citizen_uq" ON "stay_applications" USING btree ("citizen_id") WHERE status <> 'closed';--> statement-breakpoint
CREATE INDEX "stay_applications_type_idx" ON "stay_applications" USING btree ("place_type","status");--> statement-breakpoint
CREATE UNIQUE INDEX "stays_running_place_uq" ON "stays" USING btree ("place_id") WHERE ended_at is null;--> statement-breakpoint
CREATE UNIQUE INDEX "stays_running_citizen_uq" ON "stays" USING btree ("citizen_id") WHERE ended_at is null;