CREATE TABLE "housing_offers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"target_group" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "housing_offers_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "housing_place_allocations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"place_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"allocated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"released_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "housing_places" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"offer_id" uuid NOT NULL,
	"label" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "psychiatric_records" (
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
ALTER TABLE "housing_place_allocations" ADD CONSTRAINT "housing_place_allocations_place_id_housing_places_id_fk" FOREIGN KEY ("place_id") REFERENCES "public"."housing_places"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "housing_place_allocations" ADD CONSTRAINT "housing_place_allocations_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "housing_places" ADD CONSTRAINT "housing_places_offer_id_housing_offers_id_fk" FOREIGN KEY ("offer_id") REFERENCES "public"."housing_offers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "psychiatric_records" ADD CONSTRAINT "psychiatric_records_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "housing_allocations_place_active_uq" ON "housing_place_allocations" USING btree ("place_id") WHERE "housing_place_allocations"."released_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "housing_allocations_case_active_uq" ON "housing_place_allocations" USING btree ("case_id") WHERE "housing_place_allocations"."released_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "housing_places_offer_label_uq" ON "housing_places" USING btree ("offer_id","label");--> statement-breakpoint
CREATE UNIQUE INDEX "psychiatric_records_case_key_uq" ON "psychiatric_records" USING btree ("case_id","key");--> statement-breakpoint
CREATE INDEX "psychiatric_records_case_idx" ON "psychiatric_records" USING btree ("case_id","at");