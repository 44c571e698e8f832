"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 03:27:37.554720

"""
from alembic import op
import sqlalchemy as sa
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

ENUM_TYPES = ('admin_level', 'forest_function', 'import_status', 'lot_event_kind', 'product_kind', 'tree_category', 'tree_condition', 'user_role')

# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_geospatial_table('admin_units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('name_folded', sa.String(length=120), nullable=False),
    sa.Column('level', sa.Enum('province', 'commune', 'ward', name='admin_level'), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('area_ha', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('population', sa.Integer(), nullable=True),
    sa.Column('geom', Geometry(geometry_type='MULTIPOLYGON', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.CheckConstraint('ST_IsValid(geom)', name=op.f('ck_admin_units_valid_geom')),
    sa.CheckConstraint('name IS NFC NORMALIZED', name=op.f('ck_admin_units_name_nfc')),
    sa.ForeignKeyConstraint(['parent_id'], ['admin_units.id'], name=op.f('fk_admin_units_parent_id_admin_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_units')),
    sa.UniqueConstraint('code', name=op.f('uq_admin_units_code'))
    )
    op.create_geospatial_index('idx_admin_units_geom', 'admin_units', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_index(op.f('ix_admin_units_name_folded'), 'admin_units', ['name_folded'], unique=False)
    op.create_table('species',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scientific_name', sa.String(length=160), nullable=False),
    sa.Column('vi_name', sa.String(length=120), nullable=False),
    sa.Column('vi_name_folded', sa.String(length=120), nullable=False),
    sa.Column('en_name', sa.String(length=120), nullable=True),
    sa.Column('family', sa.String(length=80), nullable=True),
    sa.Column('common_use', sa.String(length=40), nullable=True),
    sa.Column('wood_density', sa.Numeric(precision=4, scale=3), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.CheckConstraint('vi_name IS NFC NORMALIZED', name=op.f('ck_species_vi_name_nfc')),
    sa.CheckConstraint('wood_density BETWEEN 0.05 AND 1.5', name=op.f('ck_species_wood_density_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_species')),
    sa.UniqueConstraint('scientific_name', name=op.f('uq_species_scientific_name'))
    )
    op.create_index(op.f('ix_species_vi_name_folded'), 'species', ['vi_name_folded'], unique=False)
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.Enum('viewer', 'field', 'manager', 'admin', name='user_role'), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=True),
    sa.Column('active', sa.Boolean(), server_default='true', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('email = lower(email)', name=op.f('ck_users_email_lower')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    op.create_index(op.f('ix_api_tokens_user_id'), 'api_tokens', ['user_id'], unique=False)
    op.create_table('audit_log',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=40), nullable=False),
    sa.Column('before', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('after', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_log_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    op.create_table('import_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=80), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('file_format', sa.String(length=20), nullable=True),
    sa.Column('layer', sa.String(length=120), nullable=True),
    sa.Column('encoding', sa.String(length=40), nullable=True),
    sa.Column('crs', sa.String(length=40), nullable=True),
    sa.Column('mapping', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('status', sa.Enum('uploaded', 'validating', 'review', 'committing', 'done', 'failed', name='import_status'), nullable=False),
    sa.Column('rows_total', sa.Integer(), nullable=True),
    sa.Column('rows_done', sa.Integer(), server_default='0', nullable=False),
    sa.Column('summary', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_import_batches_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_batches'))
    )
    op.create_geospatial_table('nurseries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('operator', sa.String(length=160), nullable=True),
    sa.Column('commune_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('geom', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry'), nullable=True),
    sa.ForeignKeyConstraint(['commune_id'], ['admin_units.id'], name=op.f('fk_nurseries_commune_id_admin_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nurseries')),
    sa.UniqueConstraint('name', name=op.f('uq_nurseries_name'))
    )
    op.create_geospatial_index('idx_nurseries_geom', 'nurseries', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_table('import_row_errors',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('row_number', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('columns', sa.ARRAY(sa.String(length=120)), server_default='{}', nullable=False),
    sa.Column('value', sa.Text(), nullable=True),
    sa.Column('message', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_import_row_errors_batch_id_import_batches'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_row_errors'))
    )
    op.create_index(op.f('ix_import_row_errors_batch_id'), 'import_row_errors', ['batch_id'], unique=False)
    op.create_table('seedling_lots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=12, collation='C'), nullable=False),
    sa.Column('species_id', sa.Integer(), nullable=False),
    sa.Column('nursery_id', sa.Integer(), nullable=False),
    sa.Column('seed_source', sa.String(length=200), nullable=True),
    sa.Column('sown_on', sa.Date(), nullable=True),
    sa.Column('quantity_on_hand', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('quantity_on_hand >= 0', name=op.f('ck_seedling_lots_stock_not_negative')),
    sa.ForeignKeyConstraint(['nursery_id'], ['nurseries.id'], name=op.f('fk_seedling_lots_nursery_id_nurseries')),
    sa.ForeignKeyConstraint(['species_id'], ['species.id'], name=op.f('fk_seedling_lots_species_id_species')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seedling_lots')),
    sa.UniqueConstraint('code', name=op.f('uq_seedling_lots_code'))
    )
    op.create_index(op.f('ix_seedling_lots_nursery_id'), 'seedling_lots', ['nursery_id'], unique=False)
    op.create_geospatial_table('stands',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=True),
    sa.Column('species_id', sa.Integer(), nullable=True),
    sa.Column('planting_year', sa.Integer(), nullable=True),
    sa.Column('density_per_ha', sa.Integer(), nullable=True),
    sa.Column('tieu_khu', sa.String(length=20), nullable=True),
    sa.Column('khoanh', sa.String(length=20), nullable=True),
    sa.Column('lo', sa.String(length=20), nullable=True),
    sa.Column('owner', sa.String(length=160), nullable=True),
    sa.Column('forest_function', sa.Enum('production', 'protection', 'special_use', name='forest_function'), nullable=True),
    sa.Column('commune_id', sa.Integer(), nullable=True),
    sa.Column('seedling_lot_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('geom', Geometry(geometry_type='MULTIPOLYGON', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('area_ha', sa.Numeric(precision=12, scale=4), sa.Computed('ST_Area(geom::geography) / 10000.0', persisted=True), nullable=False),
    sa.CheckConstraint('ST_IsValid(geom)', name=op.f('ck_stands_valid_geom')),
    sa.CheckConstraint('density_per_ha > 0 AND density_per_ha <= 20000', name=op.f('ck_stands_density_range')),
    sa.CheckConstraint('planting_year BETWEEN 1900 AND 2200', name=op.f('ck_stands_planting_year_range')),
    sa.ForeignKeyConstraint(['commune_id'], ['admin_units.id'], name=op.f('fk_stands_commune_id_admin_units')),
    sa.ForeignKeyConstraint(['seedling_lot_id'], ['seedling_lots.id'], name=op.f('fk_stands_seedling_lot_id_seedling_lots')),
    sa.ForeignKeyConstraint(['species_id'], ['species.id'], name=op.f('fk_stands_species_id_species')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stands')),
    sa.UniqueConstraint('commune_id', 'tieu_khu', 'khoanh', 'lo', name='uq_stands_plot')
    )
    op.create_geospatial_index('idx_stands_geom', 'stands', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_index(op.f('ix_stands_commune_id'), 'stands', ['commune_id'], unique=False)
    op.create_table('lot_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('sown', 'germinated', 'graded', 'dispatched', 'received', 'planted', 'lost', name='lot_event_kind'), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('stock_change', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('stand_id', sa.Integer(), nullable=True),
    sa.Column('counterpart_lot_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("stock_change = CASE kind::text WHEN 'sown' THEN 1 WHEN 'received' THEN 1 WHEN 'germinated' THEN 0 WHEN 'graded' THEN 0 WHEN 'dispatched' THEN -1 WHEN 'planted' THEN -1 WHEN 'lost' THEN -1 END", name=op.f('ck_lot_events_stock_change_matches_kind')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_lot_events_quantity_positive')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_lot_events_actor_id_users')),
    sa.ForeignKeyConstraint(['counterpart_lot_id'], ['seedling_lots.id'], name=op.f('fk_lot_events_counterpart_lot_id_seedling_lots')),
    sa.ForeignKeyConstraint(['lot_id'], ['seedling_lots.id'], name=op.f('fk_lot_events_lot_id_seedling_lots')),
    sa.ForeignKeyConstraint(['stand_id'], ['stands.id'], name=op.f('fk_lot_events_stand_id_stands')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lot_events'))
    )
    op.create_index(op.f('ix_lot_events_lot_id'), 'lot_events', ['lot_id'], unique=False)
    op.create_table('product_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=12, collation='C'), nullable=False),
    sa.Column('kind', sa.Enum('log', 'timber', 'firewood', 'chips', name='product_kind'), nullable=False),
    sa.Column('stand_id', sa.Integer(), nullable=True),
    sa.Column('volume_m3', sa.Numeric(precision=10, scale=3), nullable=False),
    sa.Column('pieces', sa.Integer(), nullable=True),
    sa.Column('notes', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('volume_m3 > 0', name=op.f('ck_product_batches_volume_positive')),
    sa.ForeignKeyConstraint(['stand_id'], ['stands.id'], name=op.f('fk_product_batches_stand_id_stands')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product_batches')),
    sa.UniqueConstraint('code', name=op.f('uq_product_batches_code'))
    )
    op.create_index(op.f('ix_product_batches_stand_id'), 'product_batches', ['stand_id'], unique=False)
    op.create_geospatial_table('trees',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('code', sa.String(length=12, collation='C'), nullable=False),
    sa.Column('category', sa.Enum('urban', 'scattered', 'plantation', name='tree_category'), nullable=False),
    sa.Column('species_id', sa.Integer(), nullable=True),
    sa.Column('dbh_cm', sa.Numeric(precision=5, scale=1), nullable=True),
    sa.Column('height_m', sa.Numeric(precision=4, scale=1), nullable=True),
    sa.Column('crown_m', sa.Numeric(precision=4, scale=1), nullable=True),
    sa.Column('condition', sa.Enum('good', 'fair', 'poor', 'dead', 'removed', name='tree_condition'), nullable=True),
    sa.Column('planted_on', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('commune_id', sa.Integer(), nullable=True),
    sa.Column('stand_id', sa.Integer(), nullable=True),
    sa.Column('import_batch_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=80), nullable=True),
    sa.Column('external_id', sa.String(length=120), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('geom', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.CheckConstraint("planted_on >= DATE '1800-01-01'", name=op.f('ck_trees_planted_on_range')),
    sa.CheckConstraint('crown_m > 0 AND crown_m <= 80', name=op.f('ck_trees_crown_range')),
    sa.CheckConstraint('dbh_cm > 0 AND dbh_cm <= 500', name=op.f('ck_trees_dbh_range')),
    sa.CheckConstraint('height_m > 0 AND height_m <= 120', name=op.f('ck_trees_height_range')),
    sa.ForeignKeyConstraint(['commune_id'], ['admin_units.id'], name=op.f('fk_trees_commune_id_admin_units')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_trees_created_by_id_users')),
    sa.ForeignKeyConstraint(['import_batch_id'], ['import_batches.id'], name=op.f('fk_trees_import_batch_id_import_batches')),
    sa.ForeignKeyConstraint(['species_id'], ['species.id'], name=op.f('fk_trees_species_id_species')),
    sa.ForeignKeyConstraint(['stand_id'], ['stands.id'], name=op.f('fk_trees_stand_id_stands')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_trees_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trees')),
    sa.UniqueConstraint('code', name=op.f('uq_trees_code')),
    sa.UniqueConstraint('source', 'external_id', name='uq_trees_source_external_id')
    )
    op.create_geospatial_index('idx_trees_geom', 'trees', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_index('ix_trees_category_id', 'trees', ['category', 'id'], unique=False)
    op.create_index('ix_trees_commune_id_id', 'trees', ['commune_id', 'id'], unique=False)
    op.create_index('ix_trees_condition_id', 'trees', ['condition', 'id'], unique=False)
    op.create_index(op.f('ix_trees_import_batch_id'), 'trees', ['import_batch_id'], unique=False)
    op.create_index('ix_trees_species_id_id', 'trees', ['species_id', 'id'], unique=False)
    op.create_index(op.f('ix_trees_stand_id'), 'trees', ['stand_id'], unique=False)
    op.create_geospatial_table('inspections',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('tree_id', sa.BigInteger(), nullable=False),
    sa.Column('inspected_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('inspector_id', sa.Integer(), nullable=True),
    sa.Column('dbh_cm', sa.Numeric(precision=5, scale=1), nullable=True),
    sa.Column('height_m', sa.Numeric(precision=4, scale=1), nullable=True),
    sa.Column('crown_m', sa.Numeric(precision=4, scale=1), nullable=True),
    sa.Column('condition', sa.Enum('good', 'fair', 'poor', 'dead', 'removed', name='tree_condition'), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('photo_path', sa.String(length=255), nullable=True),
    sa.Column('accuracy_m', sa.Numeric(precision=7, scale=1), nullable=True),
    sa.Column('moved', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('geom', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry'), nullable=True),
    sa.CheckConstraint('accuracy_m >= 0', name=op.f('ck_inspections_accuracy_positive')),
    sa.CheckConstraint('crown_m > 0 AND crown_m <= 80', name=op.f('ck_inspections_crown_range')),
    sa.CheckConstraint('dbh_cm > 0 AND dbh_cm <= 500', name=op.f('ck_inspections_dbh_range')),
    sa.CheckConstraint('height_m > 0 AND height_m <= 120', name=op.f('ck_inspections_height_range')),
    sa.ForeignKeyConstraint(['inspector_id'], ['users.id'], name=op.f('fk_inspections_inspector_id_users')),
    sa.ForeignKeyConstraint(['tree_id'], ['trees.id'], name=op.f('fk_inspections_tree_id_trees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspections')),
    sa.UniqueConstraint('client_id', name=op.f('uq_inspections_client_id'))
    )
    op.create_geospatial_index('idx_inspections_geom', 'inspections', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_index('ix_inspections_tree_id_inspected_at', 'inspections', ['tree_id', 'inspected_at'], unique=False)
    op.create_table('product_lineage',
    sa.Column('parent_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('parent_id <> child_id', name=op.f('ck_product_lineage_not_self')),
    sa.ForeignKeyConstraint(['child_id'], ['product_batches.id'], name=op.f('fk_product_lineage_child_id_product_batches')),
    sa.ForeignKeyConstraint(['parent_id'], ['product_batches.id'], name=op.f('fk_product_lineage_parent_id_product_batches')),
    sa.PrimaryKeyConstraint('parent_id', 'child_id', name=op.f('pk_product_lineage'))
    )


def downgrade():
    op.drop_table('product_lineage')
    op.drop_index('ix_inspections_tree_id_inspected_at', table_name='inspections')
    op.drop_geospatial_index('idx_inspections_geom', table_name='inspections', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('inspections')
    op.drop_index(op.f('ix_trees_stand_id'), table_name='trees')
    op.drop_index('ix_trees_species_id_id', table_name='trees')
    op.drop_index(op.f('ix_trees_import_batch_id'), table_name='trees')
    op.drop_index('ix_trees_condition_id', table_name='trees')
    op.drop_index('ix_trees_commune_id_id', table_name='trees')
    op.drop_index('ix_trees_category_id', table_name='trees')
    op.drop_geospatial_index('idx_trees_geom', table_name='trees', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('trees')
    op.drop_index(op.f('ix_product_batches_stand_id'), table_name='product_batches')
    op.drop_table('product_batches')
    op.drop_index(op.f('ix_lot_events_lot_id'), table_name='lot_events')
    op.drop_table('lot_events')
    op.drop_index(op.f('ix_stands_commune_id'), table_name='stands')
    op.drop_geospatial_index('idx_stands_geom', table_name='stands', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('stands')
    op.drop_index(op.f('ix_seedling_lots_nursery_id'), table_name='seedling_lots')
    op.drop_table('seedling_lots')
    op.drop_index(op.f('ix_import_row_errors_batch_id'), table_name='import_row_errors')
    op.drop_table('import_row_errors')
    op.drop_geospatial_index('idx_nurseries_geom', table_name='nurseries', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('nurseries')
    op.drop_table('import_batches')
    op.drop_table('audit_log')
    op.drop_index(op.f('ix_api_tokens_user_id'), table_name='api_tokens')
    op.drop_table('api_tokens')
    op.drop_table('users')
    op.drop_index(op.f('ix_species_vi_name_folded'), table_name='species')
    op.drop_table('species')
    op.drop_index(op.f('ix_admin_units_name_folded'), table_name='admin_units')
    op.drop_geospatial_index('idx_admin_units_geom', table_name='admin_units', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('admin_units')

    for name in ENUM_TYPES:
        sa.Enum(name=name).drop(op.get_bind(), checkfirst=True)
