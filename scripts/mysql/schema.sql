-- ECR (box office) and CRM schemas of docs/contract/sources.md.
-- Loaded by scripts/services/services.sh into the local MariaDB; the AWS side reads the
-- same tables through the Glue JDBC connection and crawler.
CREATE DATABASE IF NOT EXISTS ecr CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE IF NOT EXISTS crm CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS ecr.sites (
  site_id     INT          NOT NULL PRIMARY KEY,
  name        VARCHAR(128) NOT NULL,
  city        VARCHAR(128) NOT NULL,
  timezone    VARCHAR(64)  NOT NULL,
  opened_on   DATE         NOT NULL,
  updated_at  DATETIME     NOT NULL
);

CREATE TABLE IF NOT EXISTS ecr.screens (
  screen_id   INT          NOT NULL PRIMARY KEY,
  site_id     INT          NOT NULL,
  name        VARCHAR(64)  NOT NULL,
  seats       INT          NOT NULL CHECK (seats > 0),
  format      VARCHAR(16)  NOT NULL,
  updated_at  DATETIME     NOT NULL,
  CONSTRAINT fk_screens_site FOREIGN KEY (site_id) REFERENCES ecr.sites (site_id)
);

CREATE TABLE IF NOT EXISTS ecr.films (
  film_id      INT          NOT NULL PRIMARY KEY,
  title        VARCHAR(256) NOT NULL,
  distributor  VARCHAR(128) NOT NULL,
  genre        VARCHAR(64)  NOT NULL,
  runtime_min  INT          NOT NULL,
  release_date DATE         NOT NULL,
  updated_at   DATETIME     NOT NULL
);

CREATE TABLE IF NOT EXISTS ecr.showtimes (
  showtime_id BIGINT       NOT NULL PRIMARY KEY,
  screen_id   INT          NOT NULL,
  film_id     INT          NOT NULL,
  starts_at   DATETIME     NOT NULL COMMENT 'wall-clock time at the site, no offset',
  status      VARCHAR(16)  NOT NULL,
  updated_at  DATETIME     NOT NULL,
  KEY ix_showtimes_screen (screen_id),
  CONSTRAINT fk_showtimes_screen FOREIGN KEY (screen_id) REFERENCES ecr.screens (screen_id),
  CONSTRAINT fk_showtimes_film FOREIGN KEY (film_id) REFERENCES ecr.films (film_id)
);

CREATE TABLE IF NOT EXISTS crm.customers (
  customer_id  BIGINT       NOT NULL PRIMARY KEY,
  email        VARCHAR(256) NOT NULL,
  first_name   VARCHAR(128) NOT NULL,
  last_name    VARCHAR(128) NOT NULL,
  birth_date   DATE         NULL,
  home_site_id INT          NULL,
  created_at   DATETIME     NOT NULL,
  updated_at   DATETIME     NOT NULL
);

CREATE TABLE IF NOT EXISTS crm.loyalty_memberships (
  membership_id BIGINT      NOT NULL PRIMARY KEY,
  customer_id   BIGINT      NOT NULL,
  tier          VARCHAR(16) NOT NULL,
  joined_at     DATETIME    NOT NULL,
  cancelled_at  DATETIME    NULL,
  updated_at    DATETIME    NOT NULL,
  KEY ix_memberships_customer (customer_id),
  CONSTRAINT fk_memberships_customer FOREIGN KEY (customer_id) REFERENCES crm.customers (customer_id)
);
