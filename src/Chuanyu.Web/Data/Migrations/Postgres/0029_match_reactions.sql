-- 0029 match reactions (issue 17 point 3): an organisation saves, dismisses (coded reason) or shows interest in a
-- (demand, result) pair seen from one side; one row per organisation, pair and side. Instants as timestamptz (UTC).

CREATE TABLE match_reactions (
    id uuid NOT NULL,
    organization_id uuid NOT NULL,
    user_id uuid NOT NULL,
    demand_id uuid NOT NULL,
    achievement_id uuid NOT NULL,
    side character varying(20) NOT NULL,
    kind character varying(20) NOT NULL,
    reason character varying(20),
    note character varying(500),
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_match_reactions PRIMARY KEY (id),
    CONSTRAINT fk_match_reactions_achievements_achievement_id FOREIGN KEY (achievement_id) REFERENCES achievements (id) ON DELETE CASCADE,
    CONSTRAINT fk_match_reactions_demands_demand_id FOREIGN KEY (demand_id) REFERENCES demands (id) ON DELETE CASCADE,
    CONSTRAINT fk_match_reactions_organizations_organization_id FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE RESTRICT
);

CREATE UNIQUE INDEX ix_match_reactions_organization_pair_side ON match_reactions (organization_id, demand_id, achievement_id, side);
CREATE INDEX ix_match_reactions_demand_id ON match_reactions (demand_id);
CREATE INDEX ix_match_reactions_achievement_id ON match_reactions (achievement_id);
