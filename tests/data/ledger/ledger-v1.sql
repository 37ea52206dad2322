-- A ledger of schema version 1 (sqlite3 iterdump), made by this project's ledger at commit 6cad38a
-- with one customer, a purchase, two redemptions and a reversal. Used by tests/test_ledger_reservations.py.
BEGIN TRANSACTION;
CREATE TABLE ledger_allocations (
	entry_id INTEGER NOT NULL, 
	lot_id INTEGER NOT NULL, 
	credits BIGINT NOT NULL, 
	day DATE NOT NULL, 
	PRIMARY KEY (entry_id, lot_id), 
	CONSTRAINT ck_ledger_allocation_credits CHECK (credits <> 0), 
	FOREIGN KEY(entry_id) REFERENCES ledger_entries (id), 
	FOREIGN KEY(lot_id) REFERENCES ledger_entries (id)
);
INSERT INTO "ledger_allocations" VALUES(2,1,5,'2026-03-01');
INSERT INTO "ledger_allocations" VALUES(3,1,2,'2026-03-02');
INSERT INTO "ledger_allocations" VALUES(4,1,-2,'2026-03-03');
CREATE TABLE ledger_customer_history (
	id INTEGER NOT NULL, 
	customer_id VARCHAR(128) NOT NULL, 
	version INTEGER NOT NULL, 
	data TEXT NOT NULL, 
	recorded_at VARCHAR(40) NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_ledger_customer_version UNIQUE (customer_id, version), 
	FOREIGN KEY(customer_id) REFERENCES ledger_customers (id)
);
INSERT INTO "ledger_customer_history" VALUES(1,'acme',1,'{"care_contract": {"end": "2027-12-31", "id": "JC-1", "serials": ["JN1234", "JN5678"], "start": "2026-01-01"}, "country": "SG", "id": "acme", "lead": {"certification": null, "email": "lead@example.com", "name": "Lead"}, "name": "acme Pte Ltd", "prequalified": true, "technical": [{"certification": "JNCIS-ENT", "email": "eng1@example.com", "name": "Eng 1"}, {"certification": "JNCIS-ENT", "email": "eng2@example.com", "name": "Eng 2"}], "theater": "APAC"}','2026-12-04T18:54:19.333387+00:00');
CREATE TABLE ledger_customers (
	id VARCHAR(128) NOT NULL, 
	name VARCHAR(400) NOT NULL, 
	version INTEGER NOT NULL, 
	data TEXT NOT NULL, 
	registered_at VARCHAR(40) NOT NULL, 
	updated_at VARCHAR(40) NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "ledger_customers" VALUES('acme','acme Pte Ltd',1,'{"care_contract": {"end": "2027-12-31", "id": "JC-1", "serials": ["JN1234", "JN5678"], "start": "2026-01-01"}, "country": "SG", "id": "acme", "lead": {"certification": null, "email": "lead@example.com", "name": "Lead"}, "name": "acme Pte Ltd", "prequalified": true, "technical": [{"certification": "JNCIS-ENT", "email": "eng1@example.com", "name": "Eng 1"}, {"certification": "JNCIS-ENT", "email": "eng2@example.com", "name": "Eng 2"}], "theater": "APAC"}','2026-12-04T18:54:19.333387+00:00','2026-12-04T18:54:19.333387+00:00');
CREATE TABLE ledger_entries (
	id INTEGER NOT NULL, 
	customer_id VARCHAR(128) NOT NULL, 
	type VARCHAR(16) NOT NULL, 
	day DATE NOT NULL, 
	credits BIGINT NOT NULL, 
	service VARCHAR(16), 
	units INTEGER, 
	request_id VARCHAR(200), 
	content_hash VARCHAR(64), 
	reference VARCHAR(200), 
	expires DATE, 
	note TEXT, 
	reverses INTEGER, 
	created_at VARCHAR(40) NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_ledger_entry_request UNIQUE (type, request_id), 
	CONSTRAINT ck_ledger_entry_type CHECK (type IN ('purchase', 'redemption', 'reversal')), 
	CONSTRAINT ck_ledger_entry_sign CHECK ((type = 'redemption' AND credits < 0) OR (type <> 'redemption' AND credits > 0)), 
	CONSTRAINT ck_ledger_lot_expires CHECK (type <> 'purchase' OR expires IS NOT NULL), 
	FOREIGN KEY(customer_id) REFERENCES ledger_customers (id), 
	UNIQUE (reverses), 
	FOREIGN KEY(reverses) REFERENCES ledger_entries (id)
);
INSERT INTO "ledger_entries" VALUES(1,'acme','purchase','2026-01-10',20,NULL,NULL,NULL,NULL,'PO-1','2027-01-09',NULL,NULL,'2026-12-04T18:54:19.346283+00:00');
INSERT INTO "ledger_entries" VALUES(2,'acme','redemption','2026-03-01',-5,'PHC',1,'v1-phc','34ff2c429c20b413c80ca0260e3b35ab4ca6225f00fc3086de0a94fce7882ce3',NULL,NULL,'made by schema version 1',NULL,'2026-12-04T18:54:19.369191+00:00');
INSERT INTO "ledger_entries" VALUES(3,'acme','redemption','2026-03-02',-2,'TG',2,'v1-tg','a72d8bc7b17ac315903cc85b4f483bf09ddf474464981af32581dd0537183871',NULL,NULL,NULL,NULL,'2026-12-04T18:54:19.381712+00:00');
INSERT INTO "ledger_entries" VALUES(4,'acme','reversal','2026-03-03',2,'TG',2,'v1-tg','9e7d58bd0311bbc95153eabfbaad3c71e29298cb50ad6bc16f261c72a7d48246',NULL,NULL,'not delivered',3,'2026-12-04T18:54:19.391124+00:00');
CREATE TABLE ledger_schema (
	version INTEGER NOT NULL, 
	applied_at VARCHAR(40) NOT NULL, 
	PRIMARY KEY (version)
);
INSERT INTO "ledger_schema" VALUES(1,'2026-12-04T18:54:19.317329+00:00');
CREATE INDEX ix_ledger_entries_customer ON ledger_entries (customer_id, type);
CREATE INDEX ix_ledger_allocations_lot ON ledger_allocations (lot_id, day, credits);
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries BEGIN SELECT RAISE(ABORT, 'ledger journal is append-only: UPDATE on ledger_entries refused'); END;
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries BEGIN SELECT RAISE(ABORT, 'ledger journal is append-only: DELETE on ledger_entries refused'); END;
CREATE TRIGGER ledger_allocations_no_update BEFORE UPDATE ON ledger_allocations BEGIN SELECT RAISE(ABORT, 'ledger journal is append-only: UPDATE on ledger_allocations refused'); END;
CREATE TRIGGER ledger_allocations_no_delete BEFORE DELETE ON ledger_allocations BEGIN SELECT RAISE(ABORT, 'ledger journal is append-only: DELETE on ledger_allocations refused'); END;
CREATE TRIGGER ledger_customer_history_no_update BEFORE UPDATE ON ledger_customer_history BEGIN SELECT RAISE(ABORT, 'ledger journal is append-only: UPDATE on ledger_customer_history refused'); END;
CREATE TRIGGER ledger_customer_history_no_delete BEFORE DELETE ON ledger_customer_history BEGIN SELECT RAISE(ABORT, 'ledger journal is append-only: DELETE on ledger_customer_history refused'); END;
COMMIT;
