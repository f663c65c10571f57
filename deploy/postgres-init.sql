-- The application's login role: owns the schema (so migrations can run) but is neither a
-- superuser nor BYPASSRLS, so row-level security applies to every query it makes.
CREATE ROLE loopctl LOGIN PASSWORD 'loopctl' NOSUPERUSER NOBYPASSRLS CREATEROLE;
ALTER DATABASE loopctl OWNER TO loopctl;
GRANT ALL ON SCHEMA public TO loopctl;
