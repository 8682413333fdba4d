CREATE TABLE "place_types" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"example" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- Every place type already in use (a place, an application) is registered, so running
-- allocators, places and applications keep working; its name is its code until renamed.
INSERT INTO "place_types" ("code", "name")
SELECT "place_type", "place_type" FROM "places"
UNION SELECT "place_type", "place_type" FROM "stay_applications"
ON CONFLICT DO NOTHING;--> statement-breakpoint
-- EXAMPLE place types (pladstyper) for a first start and the docs' walk-throughs: replace them
-- with the municipality's own (`POST /place-types`).
INSERT INTO "place_types" ("code", "name", "description", "example") VALUES
  ('rehabilitering', 'Midlertidig rehabiliteringsplads', 'Genoptræning efter sygdom eller indlæggelse', true),
  ('aflastning', 'Aflastningsplads', 'Planlagt aflastning af en pårørende, også intervalophold', true),
  ('afklaring', 'Afklaringsplads', 'Afklaring af indsatser eller boligform', true),
  ('akut', 'Akutplads', 'Akut pleje og omsorg', true)
ON CONFLICT DO NOTHING;
