CREATE TABLE "interval_bookings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"entry_id" uuid NOT NULL,
	"place_id" uuid NOT NULL,
	"citizen_id" uuid NOT NULL,
	"from_day" date NOT NULL,
	"to_day" date NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "interval_list" (
	"id" uuid PRIMARY KEY NOT NULL,
	"citizen_id" uuid NOT NULL,
	"place_type" text NOT NULL,
	"every_weeks" integer NOT NULL,
	"stay_days" integer NOT NULL,
	"suits" text,
	"avoid" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "interval_place_types" (
	"place_type" text PRIMARY KEY NOT NULL,
	"marked_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "interval_bookings" ADD CONSTRAINT "interval_bookings_entry_id_interval_list_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."interval_list"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interval_bookings" ADD CONSTRAINT "interval_bookings_place_id_places_id_fk" FOREIGN KEY ("place_id") REFERENCES "public"."places"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interval_bookings" ADD CONSTRAINT "interval_bookings_citizen_id_citizens_id_fk" FOREIGN KEY ("citizen_id") REFERENCES "public"."citizens"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interval_list" ADD CONSTRAINT "interval_list_citizen_id_citizens_id_fk" FOREIGN KEY ("citizen_id") REFERENCES "public"."citizens"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interval_list" ADD CONSTRAINT "interval_list_place_type_place_types_code_fk" FOREIGN KEY ("place_type") REFERENCES "public"."place_types"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interval_place_types" ADD CONSTRAINT "interval_place_types_place_type_place_types_code_fk" FOREIGN KEY ("place_type") REFERENCES "public"."place_types"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "interval_bookings_place_idx" ON "interval_bookings" USING btree ("place_id","from_day");--> statement-breakpoint
CREATE INDEX "interval_list_type_idx" ON "interval_list" USING btree ("place_type");