"""task closures (verified / override / unchecked), their reason and who closed; texts per language

Revision ID: tasks_0001
Revises: 0002
Create Date: 2026-12-04 20:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = 'tasks_0001'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('tasks', sa.Column('closed_by', sa.String(length=80), nullable=True))
    op.add_column('tasks', sa.Column('closure', sa.String(length=16), nullable=True))
    op.add_column('tasks', sa.Column('close_reason', sa.Text(), nullable=True))
    op.add_column('tasks', sa.Column('texts', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('tasks') as batch:
        batch.drop_column('texts')
        batch.drop_column('close_reason')
        batch.drop_column('closure')
        batch.drop_column('closed_by')
