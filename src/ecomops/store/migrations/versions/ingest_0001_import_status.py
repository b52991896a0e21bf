"""import runs: status, the importing process, warnings

Revision ID: ingest_0001
Revises: 0002
Create Date: 2026-12-04 20:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = 'ingest_0001'
down_revision = 'tasks_0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('import_runs') as batch:
        batch.add_column(sa.Column('status', sa.String(length=16), nullable=False,
                                   server_default='finished'))
        batch.add_column(sa.Column('pid', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('host', sa.String(length=255), nullable=True))
        batch.add_column(sa.Column('warnings', sa.JSON(), nullable=True))
    # Runs started before this revision and never finished were interrupted.
    op.execute("UPDATE import_runs SET status = 'failed' WHERE finished_at IS NULL")


def downgrade() -> None:
    with op.batch_alter_table('import_runs') as batch:
        batch.drop_column('warnings')
        batch.drop_column('host')
        batch.drop_column('pid')
        batch.drop_column('status')
