"""EPSG:9213 (VN-2000 / TM-3 106°30′, Thái Nguyên's plane coordinates) in PostGIS's own table,
so the database can answer and take coordinates in it (OGC API crs and bbox-crs). PostGIS ships
without it; the datum shift is VN-2000's (EPSG:4756, already there).

Revision ID: 0018
Revises: 0017
"""

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

PROJ4 = (
    "+proj=tmerc +lat_0=0 +lon_0=106.5 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 "
    "+towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,"
    "0.252906278 +units=m +no_defs"
)
WKT = (
    'PROJCS["VN-2000 / TM-3 106-30",GEOGCS["VN-2000",DATUM["Vietnam_2000",'
    'SPHEROID["WGS 84",6378137,298.257223563],TOWGS84[-191.90441429,-39.30318279,'
    '-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278]],PRIMEM["Greenwich",0],'
    'UNIT["degree",0.0174532925199433],AUTHORITY["EPSG","4756"]],'
    'PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],'
    'PARAMETER["central_meridian",106.5],PARAMETER["scale_factor",0.9999],'
    'PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1],'
    'AUTHORITY["EPSG","9213"]]'
)


def upgrade():
    op.get_bind().exec_driver_sql(
        "INSERT INTO spatial_ref_sys (srid, auth_name, auth_srid, srtext, proj4text) "
        "VALUES (9213, 'EPSG', 9213, %s, %s) ON CONFLICT (srid) DO NOTHING",
        (WKT, PROJ4),
    )


def downgrade():
    op.execute("DELETE FROM spatial_ref_sys WHERE srid = 9213")
