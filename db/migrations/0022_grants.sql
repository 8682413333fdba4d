CREATE TABLE "grant_delivered_time" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"provider_code" text NOT NULL,
	"week_start" date NOT NULL,
	"minutes" integer NOT NULL,
	"reported_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "grant_services" (
	"code" text PRIMARY KEY NOT NULL,
	"name_da" text NOT NULL,
	"name_en" text NOT NULL,
	"legal_basis" text NOT NULL,
	"is_example" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "grants" (
	"case_id" uuid PRIMARY KEY NOT NULL,
	"citizen_id" uuid NOT NULL,
	"service_code" text NOT NULL,
	"minutes_per_delivery" integer NOT NULL,
	"deliveries_per_week" integer NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date,
	"temporary" boolean NOT NULL,
	"provider_code" text NOT NULL,
	"previous_provider_code" text,
	"previous_provider_until" date,
	"next_provider_code" text,
	"next_provider_from" date,
	"state" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "providers" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"municipal" boolean DEFAULT false NOT NULL,
	"approved" boolean DEFAULT true NOT NULL,
	"is_example" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "grant_delivered_time" ADD CONSTRAINT "grant_delivered_time_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grants" ADD CONSTRAINT "grants_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grants" ADD CONSTRAINT "grants_citizen_id_citizens_id_fk" FOREIGN KEY ("citizen_id") REFERENCES "public"."citizens"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "grant_delivered_time_uq" ON "grant_delivered_time" USING btree ("case_id","week_start","provider_code");--> statement-breakpoint
CREATE INDEX "grants_provider_idx" ON "grants" USING btree ("provider_code","state");--> statement-breakpoint
CREATE INDEX "grants_next_provider_idx" ON "grants" USING btree ("next_provider_code");--> statement-breakpoint
CREATE INDEX "grants_previous_provider_idx" ON "grants" USING btree ("previous_provider_code");--> statement-breakpoint
-- EXAMPLE registry rows (is_example = true): the municipality enters its approved providers and
-- its service catalogue (indsatskatalog) with the legal basis in force.
INSERT INTO "providers" ("code", "name", "municipal", "approved", "is_example") VALUES
	('kommune-hjemmepleje', 'Kommunens hjemmepleje (eksempel)', true, true, true),
	('privat-a', 'Privat leverandør A (eksempel)', false, true, true),
	('privat-b', 'Privat leverandør B (eksempel)', false, true, true)
ON CONFLICT DO NOTHING;
--> statement-breakpoint
INSERT INTO "grant_services" ("code", "name_da", "name_en", "legal_basis", "is_example") VALUES
	('personlig-pleje', 'Personlig pleje', 'Personal care', 'serviceloven § 83, stk. 1, nr. 1 (eksempel)', true),
	('praktisk-hjaelp', 'Praktisk hjælp', 'Practical help', 'serviceloven § 83, stk. 1, nr. 2 (eksempel)', true),
	('madservice', 'Madservice', 'Meal service', 'serviceloven § 83, stk. 1, nr. 3 (eksempel)', true),
	('helhedspleje', 'Helhedspleje', 'Holistic care', 'ældreloven, helhedspleje (eksempel)', true)
ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- One template per decision to the citizen (with the appeal guidance) and per message to a
-- provider. EXAMPLE TEXTS (is_example = true): the municipality replaces them.
INSERT INTO "outbox_templates" ("code", "addressee_kind", "subject", "body", "complaint_guidance", "is_example") VALUES
	('grant_granted', 'citizen', 'Afgørelse: Du er bevilget {{serviceName}} ({{caseNumber}})',
	 E'Afgørelse af {{decidedOn}}\n\nDu er bevilget {{serviceName}}: {{minutesPerDelivery}} minutter pr. gang, {{deliveriesPerWeek}} gange om ugen, {{period}}.\nLeverandør: {{providerName}} (dit valg blandt de godkendte leverandører).\n\nBegrundelse: {{reason}}.\nRetsgrundlag: {{legalBasis}}.', true, true),
	('grant_refused', 'citizen', 'Afgørelse: Afslag på {{serviceName}} ({{caseNumber}})',
	 E'Afgørelse af {{decidedOn}}\n\nDu får afslag på {{serviceName}}.\n\nBegrundelse: {{reason}}.\nRetsgrundlag: {{legalBasis}}.', true, true),
	('grant_changed', 'citizen', 'Afgørelse: Din hjælp er ændret ({{caseNumber}})',
	 E'Afgørelse af {{decidedOn}}\n\nDin bevilling af {{serviceName}} er ændret fra {{effectiveOn}}: {{minutesPerDelivery}} minutter pr. gang, {{deliveriesPerWeek}} gange om ugen, {{period}} (før: {{previousMinutesPerDelivery}} minutter, {{previousDeliveriesPerWeek}} gange om ugen).\nLeverandør: {{providerName}}.\n\nBegrundelse: {{reason}}.\nRetsgrundlag: {{legalBasis}}.', true, true),
	('grant_ended', 'citizen', 'Afgørelse: Din hjælp ophører ({{caseNumber}})',
	 E'Afgørelse af {{decidedOn}}\n\nDin bevilling af {{serviceName}} ophører. Sidste dag med hjælp er {{endsOn}}.\n\nBegrundelse: {{reason}}.\nRetsgrundlag: {{legalBasis}}.', true, true),
	('grant_provider_changed', 'citizen', 'Afgørelse: Skift af leverandør ({{caseNumber}})',
	 E'Afgørelse af {{decidedOn}}\n\nDu har valgt en ny leverandør af {{serviceName}}. {{oldProviderName}} er opsagt med en måneds varsel og leverer til og med {{lastDayOfOld}}; {{newProviderName}} leverer fra {{firstDayOfNew}}. Din bevilling er den samme: {{minutesPerDelivery}} minutter pr. gang, {{deliveriesPerWeek}} gange om ugen.\n\nBegrundelse: {{reason}}.\nRetsgrundlag: {{legalBasis}}.', true, true),
	('provider_grant_started', 'provider', 'Ny bevilling: {{serviceName}} ({{caseNumber}})',
	 E'Bevilling {{caseNumber}} overdraget til {{providerName}} (afgjort {{decidedOn}}).\n{{serviceName}}: {{minutesPerDelivery}} minutter pr. gang, {{deliveriesPerWeek}} gange om ugen, {{period}}. Opstart {{startsOn}}.', false, true),
	('provider_grant_changed', 'provider', 'Ændret bevilling: {{serviceName}} ({{caseNumber}})',
	 E'Bevilling {{caseNumber}} er ændret fra {{effectiveOn}} (afgjort {{decidedOn}}).\n{{serviceName}}: {{minutesPerDelivery}} minutter pr. gang, {{deliveriesPerWeek}} gange om ugen, {{period}}.', false, true),
	('provider_grant_ended', 'provider', 'Bevilling ophører: {{serviceName}} ({{caseNumber}})',
	 E'Bevilling {{caseNumber}} ophører. Sidste dag med levering er {{endsOn}}. Lever ikke efter denne dag.', false, true),
	('provider_notice', 'provider', 'Opsigelse: {{serviceName}} ({{caseNumber}})',
	 E'Borgeren har valgt en anden leverandør. Samarbejdet om bevilling {{caseNumber}} opsiges med en måneds varsel (afgjort {{decidedOn}}): lever til og med {{lastDayOfOld}}. Indberet den leverede tid til og med den dag.', false, true)
ON CONFLICT DO NOTHING;
