CREATE TABLE "outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"case_id" uuid NOT NULL,
	"key" text NOT NULL,
	"addressee_kind" text NOT NULL,
	"addressee_id" text,
	"template_code" text NOT NULL,
	"facts" jsonb NOT NULL,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"complaint_by" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "outbox_templates" (
	"code" text PRIMARY KEY NOT NULL,
	"addressee_kind" text NOT NULL,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"complaint_guidance" boolean DEFAULT false NOT NULL,
	"is_example" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_case_key_uq" ON "outbox" USING btree ("case_id","key");--> statement-breakpoint
CREATE INDEX "outbox_unsent_idx" ON "outbox" USING btree ("created_at") WHERE "outbox"."sent_at" is null;--> statement-breakpoint
CREATE INDEX "outbox_addressee_idx" ON "outbox" USING btree ("addressee_kind","addressee_id","created_at");--> statement-breakpoint
-- The appeal guidance (klagevejledning) every decision letter to the citizen ends with
-- (forvaltningsloven § 25; retssikkerhedsloven §§ 66–67). EXAMPLE TEXT: the municipality
-- replaces it with its own (is_example = false).
INSERT INTO "outbox_templates" ("code", "addressee_kind", "subject", "body", "complaint_guidance", "is_example") VALUES
	('complaint_guidance', 'citizen', 'Klagevejledning',
	 E'Klagevejledning\nDu kan klage over afgørelsen. Du klager til Sundhed & Omsorgs Visitation, som har truffet afgørelsen — skriftligt (Digital Post) eller mundtligt (telefon). Skriv eller fortæl, hvad du er uenig i; du behøver ikke begrunde klagen.\nFrist: Klagen skal være modtaget senest {{complaintWeeks}} uger efter, at du har modtaget denne afgørelse. Modtager du brevet den {{toldOn}}, er sidste frist den {{complaintBy}}.\nVisitationen genvurderer afgørelsen inden 4 uger. Giver vi dig ikke helt ret, sender vi klagen videre til Ankestyrelsen, og du får besked.\n(Retssikkerhedsloven §§ 66–67.)',
	 false, true)
ON CONFLICT DO NOTHING;
