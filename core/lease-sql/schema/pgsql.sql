-- Ruru's statement of Kea's PostgreSQL schema 13.0 (Kea 2.2): the tables, keys, indexes, reference
-- rows, stored functions and triggers that the lease and host backends of Ruru and Kea use, so a
-- database Ruru initialises is one Kea accepts and the other way round. Configuration-backend tables
-- are not created (Ruru has no configuration backend); the option tables therefore lack Kea's
-- foreign keys to them, but have the same columns and indexes.

CREATE TABLE schema_version (
    version INT NOT NULL PRIMARY KEY,
    minor INT
);

-- Reference tables.

CREATE TABLE lease_state (
    state BIGINT NOT NULL PRIMARY KEY,
    name VARCHAR(64) NOT NULL
);
INSERT INTO lease_state VALUES (0, 'default'), (1, 'declined'), (2, 'expired-reclaimed');

CREATE TABLE lease6_types (
    lease_type SMALLINT NOT NULL PRIMARY KEY,
    name VARCHAR(5)
);
INSERT INTO lease6_types VALUES (0, 'IA_NA'), (1, 'IA_TA'), (2, 'IA_PD');

CREATE TABLE lease_hwaddr_source (
    hwaddr_source INT NOT NULL PRIMARY KEY,
    name VARCHAR(40) DEFAULT NULL
);
INSERT INTO lease_hwaddr_source VALUES
    (0, 'HWADDR_SOURCE_UNKNOWN'),
    (1, 'HWADDR_SOURCE_RAW'),
    (2, 'HWADDR_SOURCE_IPV6_LINK_LOCAL'),
    (4, 'HWADDR_SOURCE_DUID'),
    (8, 'HWADDR_SOURCE_CLIENT_ADDR_RELAY_OPTION'),
    (16, 'HWADDR_SOURCE_REMOTE_ID'),
    (32, 'HWADDR_SOURCE_SUBSCRIBER_ID'),
    (64, 'HWADDR_SOURCE_DOCSIS_CMTS'),
    (128, 'HWADDR_SOURCE_DOCSIS_MODEM');

CREATE TABLE host_identifier_type (
    type SMALLINT NOT NULL PRIMARY KEY,
    name VARCHAR(32) DEFAULT NULL
);
INSERT INTO host_identifier_type VALUES
    (0, 'hw-address'), (1, 'duid'), (2, 'circuit-id'), (3, 'client-id'), (4, 'flex-id');

CREATE TABLE dhcp_option_scope (
    scope_id SMALLINT NOT NULL PRIMARY KEY,
    scope_name VARCHAR(32) DEFAULT NULL
);
INSERT INTO dhcp_option_scope VALUES
    (0, 'global'), (1, 'subnet'), (2, 'client-class'), (3, 'host'), (4, 'shared-network'),
    (5, 'pool'), (6, 'pd-pool');

-- Leases. Addresses: IPv4 as a number, IPv6 as text; expire is a timestamp (CTL-096).

CREATE TABLE lease4 (
    address BIGINT NOT NULL PRIMARY KEY,
    hwaddr BYTEA,
    client_id BYTEA,
    valid_lifetime BIGINT,
    expire TIMESTAMP WITH TIME ZONE,
    subnet_id BIGINT,
    fqdn_fwd BOOLEAN,
    fqdn_rev BOOLEAN,
    hostname VARCHAR(255),
    state BIGINT DEFAULT 0,
    user_context TEXT,
    CONSTRAINT fk_lease4_state FOREIGN KEY (state) REFERENCES lease_state (state)
);
CREATE INDEX lease4_by_hwaddr_subnet_id ON lease4 (hwaddr, subnet_id);
CREATE INDEX lease4_by_client_id_subnet_id ON lease4 (client_id, subnet_id);
CREATE INDEX lease4_by_subnet_id ON lease4 (subnet_id);
CREATE INDEX lease4_by_state_expire ON lease4 (state, expire);
CREATE INDEX lease4_by_hostname ON lease4 (lower(hostname)) WHERE hostname IS NOT NULL;

CREATE TABLE lease6 (
    address VARCHAR(39) NOT NULL PRIMARY KEY,
    duid BYTEA,
    valid_lifetime BIGINT,
    expire TIMESTAMP WITH TIME ZONE,
    subnet_id BIGINT,
    pref_lifetime BIGINT,
    lease_type SMALLINT,
    iaid INT,
    prefix_len SMALLINT,
    fqdn_fwd BOOLEAN,
    fqdn_rev BOOLEAN,
    hostname VARCHAR(255),
    state BIGINT DEFAULT 0,
    hwaddr BYTEA,
    hwtype SMALLINT,
    hwaddr_source SMALLINT,
    user_context TEXT,
    CONSTRAINT fk_lease6_type FOREIGN KEY (lease_type) REFERENCES lease6_types (lease_type),
    CONSTRAINT fk_lease6_state FOREIGN KEY (state) REFERENCES lease_state (state)
);
CREATE INDEX lease6_by_subnet_id_lease_type ON lease6 (subnet_id, lease_type);
CREATE INDEX lease6_by_duid_iaid_subnet_id ON lease6 (duid, iaid, subnet_id);
CREATE INDEX lease6_by_state_expire ON lease6 (state, expire);
CREATE INDEX lease6_by_hostname ON lease6 (lower(hostname)) WHERE hostname IS NOT NULL;

-- Lease counts kept by the triggers below: per subnet (and type) of leases in the default (0) and
-- declined (1) states, and per client class of leases in the default state (lease limits).

CREATE TABLE lease4_stat (
    subnet_id BIGINT NOT NULL,
    state BIGINT NOT NULL,
    leases BIGINT,
    PRIMARY KEY (subnet_id, state)
);

CREATE TABLE lease6_stat (
    subnet_id BIGINT NOT NULL,
    lease_type SMALLINT NOT NULL,
    state BIGINT NOT NULL,
    leases BIGINT,
    PRIMARY KEY (subnet_id, lease_type, state)
);

CREATE TABLE lease4_stat_by_client_class (
    client_class VARCHAR(128) NOT NULL PRIMARY KEY,
    leases BIGINT NOT NULL
);

CREATE TABLE lease6_stat_by_client_class (
    client_class VARCHAR(128) NOT NULL,
    lease_type SMALLINT NOT NULL,
    leases BIGINT NOT NULL,
    PRIMARY KEY (client_class, lease_type),
    CONSTRAINT fk_lease6_stat_by_client_class_lease_type FOREIGN KEY (lease_type)
        REFERENCES lease6_types (lease_type)
);

-- Host reservations.

CREATE TABLE hosts (
    host_id SERIAL PRIMARY KEY,
    dhcp_identifier BYTEA NOT NULL,
    dhcp_identifier_type SMALLINT NOT NULL,
    dhcp4_subnet_id BIGINT,
    dhcp6_subnet_id BIGINT,
    ipv4_address BIGINT,
    hostname VARCHAR(255) DEFAULT NULL,
    dhcp4_client_classes VARCHAR(255) DEFAULT NULL,
    dhcp6_client_classes VARCHAR(255) DEFAULT NULL,
    dhcp4_next_server BIGINT,
    dhcp4_server_hostname VARCHAR(64) DEFAULT NULL,
    dhcp4_boot_file_name VARCHAR(128) DEFAULT NULL,
    user_context TEXT,
    auth_key VARCHAR(32) DEFAULT NULL,
    CONSTRAINT fk_host_identifier_type FOREIGN KEY (dhcp_identifier_type)
        REFERENCES host_identifier_type (type) ON DELETE CASCADE
);
CREATE INDEX fk_host_identifier_type ON hosts (dhcp_identifier_type);
CREATE INDEX key_dhcp_identifier ON hosts (dhcp_identifier, dhcp_identifier_type);
CREATE UNIQUE INDEX key_dhcp4_identifier_subnet_id ON hosts
    (dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id) WHERE dhcp4_subnet_id IS NOT NULL;
CREATE UNIQUE INDEX key_dhcp6_identifier_subnet_id ON hosts
    (dhcp_identifier, dhcp_identifier_type, dhcp6_subnet_id) WHERE dhcp6_subnet_id IS NOT NULL;
CREATE INDEX key_dhcp4_ipv4_address_subnet_id ON hosts (ipv4_address, dhcp4_subnet_id);
CREATE INDEX hosts_by_hostname ON hosts (lower(hostname)) WHERE hostname IS NOT NULL;

CREATE TABLE ipv6_reservations (
    reservation_id SERIAL PRIMARY KEY,
    address VARCHAR(39) NOT NULL,
    prefix_len SMALLINT NOT NULL DEFAULT '128',
    type SMALLINT NOT NULL DEFAULT '0',
    dhcp6_iaid INT,
    host_id INT NOT NULL,
    CONSTRAINT fk_ipv6_reservations_host FOREIGN KEY (host_id) REFERENCES hosts (host_id)
        ON DELETE CASCADE
);
CREATE INDEX fk_ipv6_reservations_host_idx ON ipv6_reservations (host_id);
CREATE INDEX key_dhcp6_address_prefix_len ON ipv6_reservations (address, prefix_len);

CREATE TABLE dhcp4_options (
    option_id SERIAL PRIMARY KEY,
    code SMALLINT NOT NULL,
    value BYTEA,
    formatted_value TEXT,
    space VARCHAR(128) DEFAULT NULL,
    persistent BOOLEAN NOT NULL DEFAULT false,
    dhcp_client_class VARCHAR(128) DEFAULT NULL,
    dhcp4_subnet_id BIGINT,
    host_id INT,
    scope_id SMALLINT NOT NULL,
    user_context TEXT,
    shared_network_name VARCHAR(128) DEFAULT NULL,
    pool_id BIGINT,
    modification_ts TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT fk_options_host1 FOREIGN KEY (host_id) REFERENCES hosts (host_id) ON DELETE CASCADE,
    CONSTRAINT fk_dhcp4_option_scode FOREIGN KEY (scope_id) REFERENCES dhcp_option_scope (scope_id)
        ON DELETE CASCADE
);
CREATE INDEX fk_dhcp4_options_host1_idx ON dhcp4_options (host_id);
CREATE INDEX fk_dhcp4_options_scope_idx ON dhcp4_options (scope_id);
CREATE INDEX fk_dhcp4_options_shared_network ON dhcp4_options (shared_network_name);
CREATE INDEX fk_dhcp4_options_subnet ON dhcp4_options (dhcp4_subnet_id);
CREATE INDEX fk_dhcp4_options_pool ON dhcp4_options (pool_id);

CREATE TABLE dhcp6_options (
    option_id SERIAL PRIMARY KEY,
    code INT NOT NULL,
    value BYTEA,
    formatted_value TEXT,
    space VARCHAR(128) DEFAULT NULL,
    persistent BOOLEAN NOT NULL DEFAULT false,
    dhcp_client_class VARCHAR(128) DEFAULT NULL,
    dhcp6_subnet_id BIGINT,
    host_id INT,
    scope_id SMALLINT NOT NULL,
    user_context TEXT,
    shared_network_name VARCHAR(128) DEFAULT NULL,
    pool_id BIGINT,
    pd_pool_id BIGINT,
    modification_ts TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT fk_options_host10 FOREIGN KEY (host_id) REFERENCES hosts (host_id) ON DELETE CASCADE,
    CONSTRAINT fk_dhcp6_option_scode FOREIGN KEY (scope_id) REFERENCES dhcp_option_scope (scope_id)
        ON DELETE CASCADE
);
CREATE INDEX fk_dhcp6_options_host1_idx ON dhcp6_options (host_id);
CREATE INDEX fk_dhcp6_options_scope_idx ON dhcp6_options (scope_id);
CREATE INDEX fk_dhcp6_options_shared_network ON dhcp6_options (shared_network_name);
CREATE INDEX fk_dhcp6_options_subnet ON dhcp6_options (dhcp6_subnet_id);
CREATE INDEX fk_dhcp6_options_pool ON dhcp6_options (pool_id);
CREATE INDEX fk_dhcp6_options_pd_pool ON dhcp6_options (pd_pool_id);

-- Functions Kea's lease backend calls by name.

-- PostgreSQL 9.3 and later have JSON; the lease-limit counting depends on it.
CREATE FUNCTION isJsonSupported() RETURNS BOOLEAN LANGUAGE sql AS $$ SELECT true $$;

-- A user context as JSON; an empty text is an empty object.
CREATE FUNCTION ruru_context_json(context TEXT) RETURNS JSON LANGUAGE sql AS $$
    SELECT CASE WHEN length(context) = 0 THEN '{}'::json ELSE context::json END
$$;

-- The first limit of `context` ("ISC" → "limits") that the current counts reach, as a message,
-- or '' when none is reached. `kind` 4 checks address limits; 6 checks address and prefix limits.
CREATE FUNCTION ruru_check_limits(context TEXT, kind INT) RETURNS TEXT LANGUAGE plpgsql AS $$
DECLARE
    limits JSON := ruru_context_json(context)->'ISC'->'limits';
    cls JSON;
    cls_name TEXT;
    sid BIGINT;
    lim BIGINT;
    cnt BIGINT;
    lt INT;
    what TEXT;
BEGIN
    FOR cls IN SELECT * FROM json_array_elements(limits->'client-classes') LOOP
        cls_name := cls->>'name';
        FOREACH lt IN ARRAY CASE WHEN kind = 4 THEN ARRAY[0] ELSE ARRAY[0, 2] END LOOP
            what := CASE WHEN lt = 0 THEN 'address' ELSE 'prefix' END;
            lim := (cls->>(what || '-limit'))::BIGINT;
            CONTINUE WHEN lim IS NULL;
            IF kind = 4 THEN
                SELECT leases INTO cnt FROM lease4_stat_by_client_class WHERE client_class = cls_name;
            ELSE
                SELECT leases INTO cnt FROM lease6_stat_by_client_class
                    WHERE client_class = cls_name AND lease_type = lt;
            END IF;
            cnt := COALESCE(cnt, 0);
            IF lim <= cnt THEN
                RETURN format('%s limit %s for client class "%s", current lease count %s',
                              what, lim, cls_name, cnt);
            END IF;
        END LOOP;
    END LOOP;
    sid := (limits->'subnet'->>'id')::BIGINT;
    FOREACH lt IN ARRAY CASE WHEN kind = 4 THEN ARRAY[0] ELSE ARRAY[0, 2] END LOOP
        what := CASE WHEN lt = 0 THEN 'address' ELSE 'prefix' END;
        lim := (limits->'subnet'->>(what || '-limit'))::BIGINT;
        CONTINUE WHEN lim IS NULL;
        IF kind = 4 THEN
            SELECT leases INTO cnt FROM lease4_stat WHERE subnet_id = sid AND state = 0;
        ELSE
            SELECT leases INTO cnt FROM lease6_stat WHERE subnet_id = sid AND lease_type = lt AND state = 0;
        END IF;
        cnt := COALESCE(cnt, 0);
        IF lim <= cnt THEN
            RETURN format('%s limit %s for subnet ID %s, current lease count %s', what, lim, sid, cnt);
        END IF;
    END LOOP;
    RETURN '';
END;
$$;

CREATE FUNCTION checkLease4Limits(user_context TEXT) RETURNS TEXT LANGUAGE sql AS $$
    SELECT ruru_check_limits(user_context, 4)
$$;

CREATE FUNCTION checkLease6Limits(user_context TEXT) RETURNS TEXT LANGUAGE sql AS $$
    SELECT ruru_check_limits(user_context, 6)
$$;

-- Statistics upkeep. A lease counts in lease4_stat/lease6_stat while its state is default (0) or
-- declined (1), and in the by-client-class tables (classes from its user context, "ISC" →
-- "client-classes") while its state is default. Counts never go below zero; a missing row is
-- created on the first increment only.

CREATE FUNCTION ruru_stat4_add(sid BIGINT, st BIGINT, delta INT) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
    IF st IN (0, 1) THEN
        UPDATE lease4_stat SET leases = GREATEST(leases + delta, 0) WHERE subnet_id = sid AND state = st;
        IF NOT FOUND AND delta > 0 THEN
            INSERT INTO lease4_stat VALUES (sid, st, delta);
        END IF;
    END IF;
END;
$$;

CREATE FUNCTION ruru_stat6_add(sid BIGINT, lt SMALLINT, st BIGINT, delta INT) RETURNS VOID
LANGUAGE plpgsql AS $$
BEGIN
    IF st IN (0, 1) THEN
        UPDATE lease6_stat SET leases = GREATEST(leases + delta, 0)
            WHERE subnet_id = sid AND lease_type = lt AND state = st;
        IF NOT FOUND AND delta > 0 THEN
            INSERT INTO lease6_stat VALUES (sid, lt, st, delta);
        END IF;
    END IF;
END;
$$;

-- `lt` is NULL for DHCPv4 leases.
CREATE FUNCTION ruru_class_stat_add(classes JSON, lt SMALLINT, st BIGINT, delta INT) RETURNS VOID
LANGUAGE plpgsql AS $$
DECLARE
    cls TEXT;
BEGIN
    IF st IS DISTINCT FROM 0 THEN
        RETURN;
    END IF;
    FOR cls IN SELECT * FROM json_array_elements_text(classes) LOOP
        IF lt IS NULL THEN
            UPDATE lease4_stat_by_client_class SET leases = GREATEST(leases + delta, 0)
                WHERE client_class = cls;
            IF NOT FOUND AND delta > 0 THEN
                INSERT INTO lease4_stat_by_client_class VALUES (cls, delta);
            END IF;
        ELSE
            UPDATE lease6_stat_by_client_class SET leases = GREATEST(leases + delta, 0)
                WHERE client_class = cls AND lease_type = lt;
            IF NOT FOUND AND delta > 0 THEN
                INSERT INTO lease6_stat_by_client_class VALUES (cls, lt, delta);
            END IF;
        END IF;
    END LOOP;
END;
$$;

CREATE FUNCTION ruru_lease4_stats() RETURNS TRIGGER LANGUAGE plpgsql AS $$
DECLARE
    old_classes JSON;
    new_classes JSON;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        old_classes := ruru_context_json(OLD.user_context)->'ISC'->'client-classes';
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        new_classes := ruru_context_json(NEW.user_context)->'ISC'->'client-classes';
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM ruru_class_stat_add(new_classes, NULL, NEW.state, 1);
        PERFORM ruru_stat4_add(NEW.subnet_id, NEW.state, 1);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM ruru_class_stat_add(old_classes, NULL, OLD.state, -1);
        PERFORM ruru_stat4_add(OLD.subnet_id, OLD.state, -1);
    ELSE
        -- Only a change counts (comparisons with NULL are no change, as in Kea).
        IF OLD.state != NEW.state OR old_classes::TEXT != new_classes::TEXT THEN
            PERFORM ruru_class_stat_add(old_classes, NULL, OLD.state, -1);
            PERFORM ruru_class_stat_add(new_classes, NULL, NEW.state, 1);
        END IF;
        IF OLD.subnet_id != NEW.subnet_id OR OLD.state != NEW.state THEN
            PERFORM ruru_stat4_add(OLD.subnet_id, OLD.state, -1);
            PERFORM ruru_stat4_add(NEW.subnet_id, NEW.state, 1);
        END IF;
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION ruru_lease6_stats() RETURNS TRIGGER LANGUAGE plpgsql AS $$
DECLARE
    old_classes JSON;
    new_classes JSON;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        old_classes := ruru_context_json(OLD.user_context)->'ISC'->'client-classes';
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        new_classes := ruru_context_json(NEW.user_context)->'ISC'->'client-classes';
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM ruru_class_stat_add(new_classes, NEW.lease_type, NEW.state, 1);
        PERFORM ruru_stat6_add(NEW.subnet_id, NEW.lease_type, NEW.state, 1);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM ruru_class_stat_add(old_classes, OLD.lease_type, OLD.state, -1);
        PERFORM ruru_stat6_add(OLD.subnet_id, OLD.lease_type, OLD.state, -1);
    ELSE
        IF OLD.state != NEW.state OR old_classes::TEXT != new_classes::TEXT
           OR OLD.lease_type != NEW.lease_type THEN
            PERFORM ruru_class_stat_add(old_classes, OLD.lease_type, OLD.state, -1);
            PERFORM ruru_class_stat_add(new_classes, NEW.lease_type, NEW.state, 1);
        END IF;
        IF OLD.subnet_id != NEW.subnet_id OR OLD.lease_type != NEW.lease_type
           OR OLD.state != NEW.state THEN
            PERFORM ruru_stat6_add(OLD.subnet_id, OLD.lease_type, OLD.state, -1);
            PERFORM ruru_stat6_add(NEW.subnet_id, NEW.lease_type, NEW.state, 1);
        END IF;
    END IF;
    RETURN NULL;
END;
$$;

-- Kea's trigger names, so Kea's upgrade scripts replace these triggers rather than add twins.
CREATE TRIGGER lease4_ains AFTER INSERT ON lease4 FOR EACH ROW EXECUTE FUNCTION ruru_lease4_stats();
CREATE TRIGGER lease4_aupd AFTER UPDATE ON lease4 FOR EACH ROW EXECUTE FUNCTION ruru_lease4_stats();
CREATE TRIGGER lease4_adel AFTER DELETE ON lease4 FOR EACH ROW EXECUTE FUNCTION ruru_lease4_stats();
CREATE TRIGGER lease6_ains AFTER INSERT ON lease6 FOR EACH ROW EXECUTE FUNCTION ruru_lease6_stats();
CREATE TRIGGER lease6_aupd AFTER UPDATE ON lease6 FOR EACH ROW EXECUTE FUNCTION ruru_lease6_stats();
CREATE TRIGGER lease6_adel AFTER DELETE ON lease6 FOR EACH ROW EXECUTE FUNCTION ruru_lease6_stats();

INSERT INTO schema_version VALUES (13, 0);
