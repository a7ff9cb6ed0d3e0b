-- Ruru's statement of Kea's MySQL/MariaDB schema 14.0 (Kea 2.2): the tables, keys, indexes,
-- reference rows, stored functions and triggers that the lease and host backends of Ruru and Kea
-- use, so a database Ruru initialises is one Kea accepts and the other way round. Configuration-
-- backend tables are not created (Ruru has no configuration backend); the option tables therefore
-- lack Kea's foreign keys to them, but have the same columns and indexes. Sent to the server as one
-- multi-statement text: compound bodies need no client DELIMITER.

CREATE TABLE schema_version (
    version INT NOT NULL PRIMARY KEY,
    minor INT DEFAULT NULL
) ENGINE = InnoDB;

-- Reference tables.

CREATE TABLE lease_state (
    state INT UNSIGNED NOT NULL PRIMARY KEY,
    name VARCHAR(64) NOT NULL
) ENGINE = InnoDB;
INSERT INTO lease_state VALUES (0, 'default'), (1, 'declined'), (2, 'expired-reclaimed');

CREATE TABLE lease6_types (
    lease_type TINYINT NOT NULL PRIMARY KEY,
    name VARCHAR(5) DEFAULT NULL
) ENGINE = InnoDB;
INSERT INTO lease6_types VALUES (0, 'IA_NA'), (1, 'IA_TA'), (2, 'IA_PD');

CREATE TABLE lease_hwaddr_source (
    hwaddr_source INT UNSIGNED NOT NULL PRIMARY KEY,
    name VARCHAR(40) DEFAULT NULL
) ENGINE = InnoDB;
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
    type TINYINT NOT NULL PRIMARY KEY,
    name VARCHAR(32) DEFAULT NULL
) ENGINE = InnoDB;
INSERT INTO host_identifier_type VALUES
    (0, 'hw-address'), (1, 'duid'), (2, 'circuit-id'), (3, 'client-id'), (4, 'flex-id');

CREATE TABLE dhcp_option_scope (
    scope_id TINYINT UNSIGNED NOT NULL PRIMARY KEY,
    scope_name VARCHAR(32) DEFAULT NULL
) ENGINE = InnoDB;
INSERT INTO dhcp_option_scope VALUES
    (0, 'global'), (1, 'subnet'), (2, 'client-class'), (3, 'host'), (4, 'shared-network'),
    (5, 'pool'), (6, 'pd-pool');

-- Leases. Addresses: IPv4 as a number, IPv6 as text; expire is a TIMESTAMP (CTL-096).

CREATE TABLE lease4 (
    address INT UNSIGNED NOT NULL PRIMARY KEY,
    hwaddr VARBINARY(20) DEFAULT NULL,
    client_id VARBINARY(128) DEFAULT NULL,
    valid_lifetime INT UNSIGNED DEFAULT NULL,
    expire TIMESTAMP NULL DEFAULT NULL,
    subnet_id INT UNSIGNED DEFAULT NULL,
    fqdn_fwd BOOL DEFAULT NULL,
    fqdn_rev BOOL DEFAULT NULL,
    hostname VARCHAR(255) DEFAULT NULL,
    state INT UNSIGNED DEFAULT 0,
    user_context TEXT DEFAULT NULL,
    KEY lease4_by_hwaddr_subnet_id (hwaddr, subnet_id),
    KEY lease4_by_client_id_subnet_id (client_id, subnet_id),
    KEY lease4_by_subnet_id (subnet_id),
    KEY lease4_by_hostname (hostname),
    KEY lease4_by_expire_state (expire, state),
    KEY fk_lease4_state (state),
    CONSTRAINT fk_lease4_state FOREIGN KEY (state) REFERENCES lease_state (state)
) ENGINE = InnoDB;

CREATE TABLE lease6 (
    address VARCHAR(39) NOT NULL PRIMARY KEY,
    duid VARBINARY(128) DEFAULT NULL,
    valid_lifetime INT UNSIGNED DEFAULT NULL,
    expire TIMESTAMP NULL DEFAULT NULL,
    subnet_id INT UNSIGNED DEFAULT NULL,
    pref_lifetime INT UNSIGNED DEFAULT NULL,
    lease_type TINYINT DEFAULT NULL,
    iaid INT UNSIGNED DEFAULT NULL,
    prefix_len TINYINT UNSIGNED DEFAULT NULL,
    fqdn_fwd BOOL DEFAULT NULL,
    fqdn_rev BOOL DEFAULT NULL,
    hostname VARCHAR(255) DEFAULT NULL,
    hwaddr VARBINARY(20) DEFAULT NULL,
    hwtype SMALLINT UNSIGNED DEFAULT NULL,
    hwaddr_source INT UNSIGNED DEFAULT NULL,
    state INT UNSIGNED DEFAULT 0,
    user_context TEXT DEFAULT NULL,
    KEY fk_lease6_type (lease_type),
    KEY fk_lease6_hwaddr_source (hwaddr_source),
    KEY lease6_by_subnet_id_lease_type (subnet_id, lease_type),
    KEY lease6_by_duid_iaid_subnet_id (duid, iaid, subnet_id),
    KEY lease6_by_hostname (hostname),
    KEY lease6_by_expire_state (expire, state),
    KEY fk_lease6_state (state),
    CONSTRAINT fk_lease6_type FOREIGN KEY (lease_type) REFERENCES lease6_types (lease_type),
    CONSTRAINT fk_lease6_hwaddr_source FOREIGN KEY (hwaddr_source)
        REFERENCES lease_hwaddr_source (hwaddr_source),
    CONSTRAINT fk_lease6_state FOREIGN KEY (state) REFERENCES lease_state (state)
) ENGINE = InnoDB;

-- Lease counts kept by the triggers below: per subnet (and type) of leases in the default (0) and
-- declined (1) states, and per client class of leases in the default state (lease limits).

CREATE TABLE lease4_stat (
    subnet_id INT UNSIGNED NOT NULL,
    state INT UNSIGNED NOT NULL,
    leases BIGINT DEFAULT NULL,
    PRIMARY KEY (subnet_id, state)
) ENGINE = InnoDB;

CREATE TABLE lease6_stat (
    subnet_id INT UNSIGNED NOT NULL,
    lease_type INT UNSIGNED NOT NULL,
    state INT UNSIGNED NOT NULL,
    leases BIGINT DEFAULT NULL,
    PRIMARY KEY (subnet_id, lease_type, state)
) ENGINE = InnoDB;

CREATE TABLE lease4_stat_by_client_class (
    client_class VARCHAR(128) NOT NULL PRIMARY KEY,
    leases BIGINT UNSIGNED NOT NULL
) ENGINE = InnoDB;

CREATE TABLE lease6_stat_by_client_class (
    client_class VARCHAR(128) NOT NULL,
    lease_type TINYINT NOT NULL,
    leases BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (client_class, lease_type),
    KEY fk_lease6_stat_by_client_class_lease_type (lease_type),
    CONSTRAINT fk_lease6_stat_by_client_class_lease_type FOREIGN KEY (lease_type)
        REFERENCES lease6_types (lease_type)
) ENGINE = InnoDB;

-- Host reservations.

CREATE TABLE hosts (
    host_id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    dhcp_identifier VARBINARY(128) NOT NULL,
    dhcp_identifier_type TINYINT NOT NULL,
    dhcp4_subnet_id INT UNSIGNED DEFAULT NULL,
    dhcp6_subnet_id INT UNSIGNED DEFAULT NULL,
    ipv4_address INT UNSIGNED DEFAULT NULL,
    hostname VARCHAR(255) DEFAULT NULL,
    dhcp4_client_classes VARCHAR(255) DEFAULT NULL,
    dhcp6_client_classes VARCHAR(255) DEFAULT NULL,
    dhcp4_next_server INT UNSIGNED DEFAULT NULL,
    dhcp4_server_hostname VARCHAR(64) DEFAULT NULL,
    dhcp4_boot_file_name VARCHAR(128) DEFAULT NULL,
    user_context TEXT DEFAULT NULL,
    auth_key VARCHAR(32) DEFAULT NULL,
    UNIQUE KEY key_dhcp4_identifier_subnet_id (dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id),
    UNIQUE KEY key_dhcp6_identifier_subnet_id (dhcp_identifier, dhcp_identifier_type, dhcp6_subnet_id),
    KEY fk_host_identifier_type (dhcp_identifier_type),
    KEY hosts_by_hostname (hostname),
    KEY key_dhcp4_ipv4_address_subnet_id_identifier (ipv4_address, dhcp4_subnet_id),
    CONSTRAINT fk_host_identifier_type FOREIGN KEY (dhcp_identifier_type)
        REFERENCES host_identifier_type (type)
) ENGINE = InnoDB;

CREATE TABLE ipv6_reservations (
    reservation_id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    address VARCHAR(39) NOT NULL,
    prefix_len TINYINT UNSIGNED NOT NULL DEFAULT 128,
    type TINYINT(4) UNSIGNED NOT NULL DEFAULT 0,
    dhcp6_iaid INT UNSIGNED DEFAULT NULL,
    host_id INT UNSIGNED NOT NULL,
    KEY fk_ipv6_reservations_host_idx (host_id),
    KEY key_dhcp6_address_prefix_len (address, prefix_len),
    CONSTRAINT fk_ipv6_reservations_Host FOREIGN KEY (host_id) REFERENCES hosts (host_id)
        ON DELETE CASCADE ON UPDATE CASCADE
) ENGINE = InnoDB;

CREATE TABLE dhcp4_options (
    option_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    code TINYINT UNSIGNED NOT NULL,
    value BLOB DEFAULT NULL,
    formatted_value TEXT DEFAULT NULL,
    space VARCHAR(128) DEFAULT NULL,
    persistent BOOL NOT NULL DEFAULT 0,
    dhcp_client_class VARCHAR(128) DEFAULT NULL,
    dhcp4_subnet_id INT UNSIGNED DEFAULT NULL,
    host_id INT UNSIGNED DEFAULT NULL,
    scope_id TINYINT UNSIGNED NOT NULL,
    user_context TEXT DEFAULT NULL,
    shared_network_name VARCHAR(128) DEFAULT NULL,
    pool_id BIGINT UNSIGNED DEFAULT NULL,
    modification_ts TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE KEY option_id_UNIQUE (option_id),
    KEY fk_options_host1_idx (host_id),
    KEY fk_dhcp4_option_scope (scope_id),
    KEY fk_dhcp4_options_shared_network (shared_network_name),
    KEY fk_dhcp4_options_subnet (dhcp4_subnet_id),
    KEY fk_dhcp4_options_pool (pool_id),
    KEY fk_dhcp4_options_client_class (dhcp_client_class),
    CONSTRAINT fk_dhcp4_option_scope FOREIGN KEY (scope_id) REFERENCES dhcp_option_scope (scope_id),
    CONSTRAINT fk_dhcp4_options_Host FOREIGN KEY (host_id) REFERENCES hosts (host_id)
        ON DELETE CASCADE ON UPDATE CASCADE
) ENGINE = InnoDB;

CREATE TABLE dhcp6_options (
    option_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    code SMALLINT UNSIGNED NOT NULL,
    value BLOB DEFAULT NULL,
    formatted_value TEXT DEFAULT NULL,
    space VARCHAR(128) DEFAULT NULL,
    persistent BOOL NOT NULL DEFAULT 0,
    dhcp_client_class VARCHAR(128) DEFAULT NULL,
    dhcp6_subnet_id INT UNSIGNED DEFAULT NULL,
    host_id INT UNSIGNED DEFAULT NULL,
    scope_id TINYINT UNSIGNED NOT NULL,
    user_context TEXT DEFAULT NULL,
    shared_network_name VARCHAR(128) DEFAULT NULL,
    pool_id BIGINT UNSIGNED DEFAULT NULL,
    pd_pool_id BIGINT UNSIGNED DEFAULT NULL,
    modification_ts TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE KEY option_id_UNIQUE (option_id),
    KEY fk_options_host1_idx (host_id),
    KEY fk_dhcp6_option_scope (scope_id),
    KEY fk_dhcp6_options_shared_network (shared_network_name),
    KEY fk_dhcp6_options_subnet (dhcp6_subnet_id),
    KEY fk_dhcp6_options_pool (pool_id),
    KEY fk_dhcp6_options_pd_pool (pd_pool_id),
    KEY fk_dhcp6_options_client_class (dhcp_client_class),
    CONSTRAINT fk_dhcp6_option_scope FOREIGN KEY (scope_id) REFERENCES dhcp_option_scope (scope_id),
    CONSTRAINT fk_dhcp6_options_Host FOREIGN KEY (host_id) REFERENCES hosts (host_id)
        ON DELETE CASCADE ON UPDATE CASCADE
) ENGINE = InnoDB;

-- Functions Kea's lease backend calls by name.

-- MariaDB 10.2 and MySQL 5.7 and later have JSON; the lease-limit counting depends on it.
CREATE FUNCTION isJsonSupported() RETURNS BOOL DETERMINISTIC RETURN true;

-- The value at `path` in user context `context`; NULL when the context is not JSON (empty, say),
-- which would otherwise fail the lease statement in strict mode.
CREATE FUNCTION ruru_json_at(context TEXT, path TEXT) RETURNS TEXT DETERMINISTIC
    RETURN IF(JSON_VALID(context), JSON_EXTRACT(context, path), NULL);

-- The first limit of `context` ("ISC" → "limits") that the current counts reach, as a message,
-- or '' when none is reached. `kind` 4 checks address limits; 6 checks address and prefix limits.
CREATE FUNCTION ruru_check_limits(context TEXT, kind INT) RETURNS TEXT READS SQL DATA
BEGIN
    DECLARE classes TEXT DEFAULT ruru_json_at(context, '$."ISC"."limits"."client-classes"');
    DECLARE subnet TEXT DEFAULT ruru_json_at(context, '$."ISC"."limits"."subnet"');
    DECLARE cls TEXT;
    DECLARE cls_name VARCHAR(255);
    DECLARE sid BIGINT;
    DECLARE lim BIGINT;
    DECLARE cnt BIGINT;
    DECLARE i INT DEFAULT 0;
    DECLARE lt INT;
    DECLARE what VARCHAR(8);
    WHILE i < IFNULL(JSON_LENGTH(classes), 0) DO
        SET cls = JSON_EXTRACT(classes, CONCAT('$[', i, ']'));
        SET cls_name = JSON_UNQUOTE(JSON_EXTRACT(cls, '$.name'));
        SET lt = 0;
        WHILE lt <= IF(kind = 4, 0, 2) DO
            SET what = IF(lt = 0, 'address', 'prefix');
            SET lim = JSON_EXTRACT(cls, CONCAT('$."', what, '-limit"'));
            IF lim IS NOT NULL THEN
                IF kind = 4 THEN
                    SET cnt = (SELECT leases FROM lease4_stat_by_client_class WHERE client_class = cls_name);
                ELSE
                    SET cnt = (SELECT leases FROM lease6_stat_by_client_class
                               WHERE client_class = cls_name AND lease_type = lt);
                END IF;
                SET cnt = IFNULL(cnt, 0);
                IF lim <= cnt THEN
                    RETURN CONCAT(what, ' limit ', lim, ' for client class "', cls_name,
                                  '", current lease count ', cnt);
                END IF;
            END IF;
            SET lt = lt + 2;
        END WHILE;
        SET i = i + 1;
    END WHILE;
    SET sid = JSON_EXTRACT(subnet, '$.id');
    SET lt = 0;
    WHILE lt <= IF(kind = 4, 0, 2) DO
        SET what = IF(lt = 0, 'address', 'prefix');
        SET lim = JSON_EXTRACT(subnet, CONCAT('$."', what, '-limit"'));
        IF lim IS NOT NULL THEN
            IF kind = 4 THEN
                SET cnt = (SELECT leases FROM lease4_stat WHERE subnet_id = sid AND state = 0);
            ELSE
                SET cnt = (SELECT leases FROM lease6_stat
                           WHERE subnet_id = sid AND lease_type = lt AND state = 0);
            END IF;
            SET cnt = IFNULL(cnt, 0);
            IF lim <= cnt THEN
                RETURN CONCAT(what, ' limit ', lim, ' for subnet ID ', sid, ', current lease count ', cnt);
            END IF;
        END IF;
        SET lt = lt + 2;
    END WHILE;
    RETURN '';
END;

CREATE FUNCTION checkLease4Limits(user_context TEXT) RETURNS TEXT READS SQL DATA
    RETURN ruru_check_limits(user_context, 4);

CREATE FUNCTION checkLease6Limits(user_context TEXT) RETURNS TEXT READS SQL DATA
    RETURN ruru_check_limits(user_context, 6);

-- Statistics upkeep. A lease counts in lease4_stat/lease6_stat while its state is default (0) or
-- declined (1), and in the by-client-class tables (classes from its user context, "ISC" →
-- "client-classes") while its state is default. Counts never go below zero; a missing row is
-- created on the first increment only. `lt` is NULL for DHCPv4.

CREATE PROCEDURE ruru_stat_add(sid INT UNSIGNED, lt TINYINT, st INT UNSIGNED, delta INT)
BEGIN
    IF st IN (0, 1) THEN
        IF lt IS NULL THEN
            UPDATE lease4_stat SET leases = GREATEST(CAST(leases AS SIGNED) + delta, 0)
                WHERE subnet_id = sid AND state = st;
            IF ROW_COUNT() <= 0 AND delta > 0 THEN
                INSERT IGNORE INTO lease4_stat VALUES (sid, st, delta);
            END IF;
        ELSE
            UPDATE lease6_stat SET leases = GREATEST(CAST(leases AS SIGNED) + delta, 0)
                WHERE subnet_id = sid AND lease_type = lt AND state = st;
            IF ROW_COUNT() <= 0 AND delta > 0 THEN
                INSERT IGNORE INTO lease6_stat VALUES (sid, lt, st, delta);
            END IF;
        END IF;
    END IF;
END;

CREATE PROCEDURE ruru_class_stat_add(classes TEXT, lt TINYINT, st INT UNSIGNED, delta INT)
BEGIN
    DECLARE i INT DEFAULT 0;
    DECLARE cls VARCHAR(255);
    IF st = 0 THEN
        WHILE i < IFNULL(JSON_LENGTH(classes), 0) DO
            SET cls = JSON_UNQUOTE(JSON_EXTRACT(classes, CONCAT('$[', i, ']')));
            IF lt IS NULL THEN
                UPDATE lease4_stat_by_client_class
                    SET leases = GREATEST(CAST(leases AS SIGNED) + delta, 0) WHERE client_class = cls;
                IF ROW_COUNT() <= 0 AND delta > 0 THEN
                    INSERT IGNORE INTO lease4_stat_by_client_class VALUES (cls, delta);
                END IF;
            ELSE
                UPDATE lease6_stat_by_client_class
                    SET leases = GREATEST(CAST(leases AS SIGNED) + delta, 0)
                    WHERE client_class = cls AND lease_type = lt;
                IF ROW_COUNT() <= 0 AND delta > 0 THEN
                    INSERT IGNORE INTO lease6_stat_by_client_class VALUES (cls, lt, delta);
                END IF;
            END IF;
            SET i = i + 1;
        END WHILE;
    END IF;
END;

-- One procedure for every lease change: `lt` is NULL for DHCPv4 leases; old values are NULL on
-- insert and new ones on delete. On update only a change counts, and comparisons with NULL are no
-- change (as in Kea).
CREATE PROCEDURE ruru_lease_changed(
    op CHAR(1),
    old_sid INT UNSIGNED, old_lt TINYINT, old_st INT UNSIGNED, old_ctx TEXT,
    new_sid INT UNSIGNED, new_lt TINYINT, new_st INT UNSIGNED, new_ctx TEXT)
BEGIN
    DECLARE old_classes TEXT DEFAULT ruru_json_at(old_ctx, '$."ISC"."client-classes"');
    DECLARE new_classes TEXT DEFAULT ruru_json_at(new_ctx, '$."ISC"."client-classes"');
    IF op = 'I' THEN
        CALL ruru_stat_add(new_sid, new_lt, new_st, 1);
        CALL ruru_class_stat_add(new_classes, new_lt, new_st, 1);
    ELSEIF op = 'D' THEN
        CALL ruru_stat_add(old_sid, old_lt, old_st, -1);
        CALL ruru_class_stat_add(old_classes, old_lt, old_st, -1);
    ELSE
        IF old_sid != new_sid OR old_st != new_st OR old_lt != new_lt THEN
            CALL ruru_stat_add(old_sid, old_lt, old_st, -1);
            CALL ruru_stat_add(new_sid, new_lt, new_st, 1);
        END IF;
        IF old_st != new_st OR old_classes != new_classes OR old_lt != new_lt THEN
            CALL ruru_class_stat_add(old_classes, old_lt, old_st, -1);
            CALL ruru_class_stat_add(new_classes, new_lt, new_st, 1);
        END IF;
    END IF;
END;

-- Kea's trigger names, so Kea's upgrade scripts replace these triggers rather than add twins.
CREATE TRIGGER lease4_AINS AFTER INSERT ON lease4 FOR EACH ROW
    CALL ruru_lease_changed('I', NULL, NULL, NULL, NULL, NEW.subnet_id, NULL, NEW.state, NEW.user_context);
CREATE TRIGGER lease4_AUPD AFTER UPDATE ON lease4 FOR EACH ROW
    CALL ruru_lease_changed('U', OLD.subnet_id, NULL, OLD.state, OLD.user_context,
                            NEW.subnet_id, NULL, NEW.state, NEW.user_context);
CREATE TRIGGER lease4_ADEL AFTER DELETE ON lease4 FOR EACH ROW
    CALL ruru_lease_changed('D', OLD.subnet_id, NULL, OLD.state, OLD.user_context, NULL, NULL, NULL, NULL);
CREATE TRIGGER lease6_AINS AFTER INSERT ON lease6 FOR EACH ROW
    CALL ruru_lease_changed('I', NULL, NULL, NULL, NULL,
                            NEW.subnet_id, NEW.lease_type, NEW.state, NEW.user_context);
CREATE TRIGGER lease6_AUPD AFTER UPDATE ON lease6 FOR EACH ROW
    CALL ruru_lease_changed('U', OLD.subnet_id, OLD.lease_type, OLD.state, OLD.user_context,
                            NEW.subnet_id, NEW.lease_type, NEW.state, NEW.user_context);
CREATE TRIGGER lease6_ADEL AFTER DELETE ON lease6 FOR EACH ROW
    CALL ruru_lease_changed('D', OLD.subnet_id, OLD.lease_type, OLD.state, OLD.user_context,
                            NULL, NULL, NULL, NULL);

INSERT INTO schema_version VALUES (14, 0);
