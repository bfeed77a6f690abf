"""Survey campaigns (issue 17): the campaigns, and their recipients with answers and reviews.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("state", sa.String(2), nullable=True),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_campaigns_state", "campaigns", ["state"])
    op.create_table(
        "survey_recipients",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("campaign_id", sa.String(64), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_survey_recipients_campaign_id", "survey_recipients", ["campaign_id"])
    op.create_index("ix_survey_recipients_email", "survey_recipients", ["email"])


def downgrade() -> None:
    op.drop_index("ix_survey_recipients_email", "survey_recipients")
    op.drop_index("ix_survey_recipients_campaign_id", "survey_recipients")
    op.drop_table("survey_recipients")
    op.drop_index("ix_campaigns_state", "campaigns")
    op.drop_table("campaigns")
