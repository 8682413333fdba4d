CREATE TABLE "hospital_episode_identifiers" (
	"system" text NOT NULL,
	"value" text NOT NULL,
	"episode_id" uuid NOT NULL,
	CONSTRAINT "hospital_episode_identifiers_episode_id_system_value_pk" PRIMARY KEY("episode_id","system","value")
);
--> statement-breakpoint
CREATE TABLE "hospital_episodes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"citizen_id" uuid NOT NULL,
	"state" text NOT NULL,
	"encounter_class" text,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"deceased" boolean DEFAULT false NOT NULL,
	"ward_sor" text,
	"leaves" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hospital_notifications" (
	"message_id" text PRIMARY KEY NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"content_type" text NOT NULL,
	"status" text NOT NULL,
	"code" text,
	"facts" jsonb,
	"citizen_id" uuid,
	"episode_id" uuid,
	"occurred_at" timestamp with time zone,
	"rejected_body" text,
	"problems" jsonb,
	"ack" jsonb NOT NULL,
	"http_status" integer NOT NULL,
	"effects" jsonb,
	"known" boolean DEFAULT false NOT NULL,
	"reviewed_at" timestamp with time zone,
	"reviewed_by" text
);
--> statement-breakpoint
ALTER TABLE "hospital_episode_identifiers" ADD CONSTRAINT "hospital_episode_identifiers_episode_id_hospital_episodes_id_fk" FOREIGN KEY ("episode_id") REFERENCES "public"."hospital_episodes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hospital_episodes" ADD CONSTRAINT "hospital_episodes_citizen_id_citizens_id_fk" FOREIGN KEY ("citizen_id") REFERENCES "public"."citizens"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hospital_notifications" ADD CONSTRAINT "hospital_notifications_citizen_id_citizens_id_fk" FOREIGN KEY ("citizen_id") REFERENCES "public"."citizens"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hospital_notifications" ADD CONSTRAINT "hospital_notifications_episode_id_hospital_episodes_id_fk" FOREIGN KEY ("episode_id") REFERENCES "public"."hospital_episodes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "hospital_episode_identifiers_value_idx" ON "hospital_episode_identifiers" USING btree ("value");--> statement-breakpoint
CREATE INDEX "hospital_episodes_citizen_idx" ON "hospital_episodes" USING btree ("citizen_id");--> statement-breakpoint
CREATE INDEX "hospital_notifications_episode_idx" ON "hospital_notifications" USING btree ("episode_id","occurred_at");--> statement-breakpoint
CREATE INDEX "hospital_notifications_inbox_idx" ON "hospital_notifications" USING btree ("received_at") WHERE "hospital_notifications"."known" and "hospital_notifications"."status" = 'applied';