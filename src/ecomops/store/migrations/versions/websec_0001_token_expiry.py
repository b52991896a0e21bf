"""API tokens expire

Revision ID: websec_0001
Revises: 0002
Create Date: 2026-12-04 20:20:00

Tokens made before this revision never expired; they now expire 90 days (the default lifetime)
after they were made, so a forgotten old token stops working.
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = 'websec_0001'
down_revision = 'ingest_0001'
branch_labels = None
depends_on = None

OLD_TOKENS_DAYS = 90


def upgrade() -> None:
    op.add_column('api_tokens', sa.Column('expires_at', sa.DateTime(), nullable=True))
    tokens = sa.table('api_tokens', sa.column('id', sa.Integer()), sa.column('created_at', sa.DateTime()),
                      sa.column('expires_at', sa.DateTime()))
    conn = op.get_bind()
    for token_id, created in conn.execute(sa.select(tokens.c.id, tokens.c.created_at)).all():
        conn.execute(tokens.update().where(tokens.c.id == token_id).values(
            expires_at=created + dt.timedelta(days=OLD_TOKENS_DAYS)))
    with op.batch_alter_table('api_tokens') as batch:
        batch.alter_column('expires_at', existing_type=sa.DateTime(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('api_tokens') as batch:
        batch.drop_column('expires_at')
