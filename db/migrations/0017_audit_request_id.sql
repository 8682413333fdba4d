ALTER TABLE "audit_log" ADD COLUMN "request_id" uuid;--> statement-breakpoint
CREATE UNIQUE INDEX "audit_request_uq" ON "audit_log" USING btree ("request_id");