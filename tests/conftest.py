"""The suite in layers: unit/ (no database), db/ (a real PostGIS), browser/ (Chromium and a
live server). Fixtures that need the database are in tests/helpers/database.py, which the
conftest of db/ and browser/ load; a unit test never migrates a database."""
