CREATE TABLE "complaints" (
	"case_id" uuid PRIMARY KEY NOT NULL,
	"concerns_case_id" uuid NOT NULL,
	"concerns_decision_audit_id" bigint,
	"about" text NOT NULL,
	"received_on" date NOT NULL,
	"received_via" text NOT NULL,
	"provider_code" text,
	"provider_received_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_concerns_case_id_cases_id_fk" FOREIGN KEY ("concerns_case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "complaints_concerns_idx" ON "complaints" USING btree ("concerns_case_id");--> statement-breakpoint
-- EXAMPLE templates (is_example = true) of the complaint case: the municipality replaces the texts with its own.
INSERT INTO "outbox_templates" ("code", "addressee_kind", "subject", "body", "complaint_guidance", "is_example") VALUES
	('complaint_decision_changed', 'citizen', 'Afgørelse: Din klage — afgørelsen er ændret ({{caseNumber}})',
	 E'Afgørelse af {{decidedOn}}\n\nVi modtog den {{receivedOn}} din klage over afgørelsen i sag {{concernsCaseNumber}} og har genvurderet afgørelsen (retssikkerhedsloven § 66).\nVi giver dig ret: afgørelsen er ændret til din fordel. Den ændrede afgørelse gælder fra i dag.', true, true),
	('complaint_forwarded_citizen', 'citizen', 'Din klage er sendt videre til Ankestyrelsen ({{caseNumber}})',
	 E'Vi modtog den {{receivedOn}} din klage over afgørelsen i sag {{concernsCaseNumber}} og har genvurderet afgørelsen (retssikkerhedsloven § 66).\nVi fastholder afgørelsen {{extent}}. Derfor har vi den {{decidedOn}} sendt din klage videre til Ankestyrelsen sammen med vores skriftlige redegørelse. Ankestyrelsen behandler klagen og sender dig sin afgørelse.', false, true),
	('complaint_to_ankestyrelsen', 'ankestyrelsen', 'Klage over afgørelse i sag {{concernsCaseNumber}} (klagesag {{caseNumber}})',
	 E'Kommunen modtog klagen den {{receivedOn}}. Afgørelsen er genvurderet og fastholdt {{extent}} den {{decidedOn}} (retssikkerhedsloven § 66).\nVedlagt: klagen, den påklagede afgørelse og kommunens skriftlige redegørelse (ref. {{statementRef}}).', false, true),
	('complaint_delivery_provider', 'provider', 'Klage over udførelsen af indsatsen (klagesag {{caseNumber}})',
	 E'Visitationen modtog den {{receivedOn}} en klage over udførelsen af indsatsen i sag {{concernsCaseNumber}}. Klager over udførelsen er leverandørens ansvar.\nSend en skriftlig redegørelse til visitationen senest {{answerBy}}, og besvar klagen over for borgeren.', false, true)
ON CONFLICT ("code") DO NOTHING;
