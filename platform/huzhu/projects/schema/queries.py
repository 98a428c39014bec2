"""Queries of charity projects: scoped lists and single objects; foundations and public projects are public."""

from __future__ import annotations

from typing import Any

import graphene
from graphene_django.fields import DjangoConnectionField
from graphql import GraphQLError

from huzhu.core.errors import ServiceError
from huzhu.graphql.core import decode_id, require_login

from .. import selectors
from ..models import Foundation
from .types import (
    CharityProjectType,
    DashboardType,
    FoundationType,
    FundProposalStatusEnum,
    FundProposalType,
    NeedCategoryEnum,
    OrganisationMemberType,
    OrganisationType,
    ProjectConnectionField,
    ProjectStatusEnum,
    PublicCharityProjectType,
    value,
)


def query_error(exc: ServiceError) -> GraphQLError:
    """A ServiceError while resolving a query: a top-level error with its typed code and field."""
    return GraphQLError(exc.message, extensions={"code": exc.code, "field": exc.field})


def _filters(args: dict[str, Any], user: Any) -> selectors.ProjectFilters:
    def opt(name: str, type_name: str, field: str) -> int | None:
        raw = args.get(name)
        return decode_id(raw, type_name, field=field) if raw else None

    return selectors.ProjectFilters(
        status=value(args.get("status")) or None,
        foundation_id=opt("foundation_id", "Foundation", "foundationId"),
        organisation_id=opt("organisation_id", "ProjectOrganisation", "organisationId"),
        region_id=opt("region_id", "Region", "regionId"),
        category=value(args.get("category")) or None,
        search=(args.get("search") or "").strip() or None,
        mine=bool(args.get("mine")),
        to_review=bool(args.get("to_review")),
    )


class Query(graphene.ObjectType):
    projects = ProjectConnectionField(
        CharityProjectType, required=True, status=ProjectStatusEnum(), foundation_id=graphene.ID(),
        organisation_id=graphene.ID(), region_id=graphene.ID(), category=NeedCategoryEnum(),
        search=graphene.String(), mine=graphene.Boolean(description="Only my organisations' projects."),
        to_review=graphene.Boolean(description="Only projects I am assigned to review."),
        description="Charity projects the viewer may see: their organisations' (drafts too), and the non-draft "
                    "projects of regions where they are a foundation reviewer, administrator or staff.",
    )
    project = graphene.Field(CharityProjectType, id=graphene.ID(required=True))
    public_projects = DjangoConnectionField(
        PublicCharityProjectType, required=True, category=NeedCategoryEnum(), region_id=graphene.ID(),
        description="Approved, completed and closed projects: what donors may give to (no login needed).")
    foundations = graphene.List(graphene.NonNull(FoundationType), required=True)
    foundation = graphene.Field(FoundationType, id=graphene.ID(required=True))
    project_organisations = graphene.List(graphene.NonNull(OrganisationType), required=True,
                                          description="My organisations, and those of regions I staff.")
    project_organisation_members = graphene.List(
        graphene.NonNull(OrganisationMemberType), required=True, organisation_id=graphene.ID(required=True),
        description="Members of an organisation I see (projectOrganisations), managers first; else none.")
    project_dashboard = graphene.Field(DashboardType, required=True, project_id=graphene.ID(required=True))
    project_fund_proposals = DjangoConnectionField(
        FundProposalType, required=True, status=FundProposalStatusEnum(), project_id=graphene.ID(),
        description="Fund → project proposals of the regions where the viewer is a foundation reviewer.")

    def resolve_projects(root: Any, info: Any, **args: Any) -> Any:
        user = require_login(info)
        try:
            filters = _filters(args, user)
        except ServiceError as exc:
            raise query_error(exc) from None
        return selectors.project_list(actor=user, filters=filters).prefetch_related("budget_lines",
                                                                                   "milestones__tranche")

    def resolve_project(root: Any, info: Any, id: str) -> Any:
        user = require_login(info)
        try:
            return selectors.project_get(actor=user, project_id=decode_id(id, "CharityProject"))
        except ServiceError:
            return None

    def resolve_public_projects(root: Any, info: Any, category: Any = None, region_id: str | None = None,
                                **_: Any) -> Any:
        qs = selectors.public_project_list()
        if category:
            qs = qs.filter(category=value(category))
        if region_id:
            try:
                from huzhu.regions.schema import get_region

                qs = qs.filter(region__path__startswith=get_region(region_id, "regionId").path)
            except ServiceError as exc:
                raise query_error(exc) from None
        return qs

    def resolve_foundations(root: Any, info: Any) -> Any:
        return selectors.foundation_list(actor=require_login(info))

    def resolve_foundation(root: Any, info: Any, id: str) -> Any:
        require_login(info)
        try:
            return Foundation.objects.select_related("region").filter(pk=decode_id(id, "Foundation")).first()
        except ServiceError:
            return None

    def resolve_project_organisations(root: Any, info: Any) -> Any:
        return selectors.organisation_list(actor=require_login(info))

    def resolve_project_organisation_members(root: Any, info: Any, organisation_id: str) -> Any:
        user = require_login(info)
        try:
            pk = decode_id(organisation_id, "ProjectOrganisation", field="organisationId")
        except ServiceError as exc:
            raise query_error(exc) from None
        return selectors.organisation_member_list(actor=user, organisation_id=pk)

    def resolve_project_dashboard(root: Any, info: Any, project_id: str) -> Any:
        user = require_login(info)
        try:
            return DashboardType.of(selectors.project_dashboard(
                actor=user, project_id=decode_id(project_id, "CharityProject", field="projectId")))
        except ServiceError as exc:
            raise query_error(exc) from None

    def resolve_project_fund_proposals(root: Any, info: Any, status: Any = None, project_id: str | None = None,
                                       **_: Any) -> Any:
        user = require_login(info)
        try:
            pid = decode_id(project_id, "CharityProject", field="projectId") if project_id else None
        except ServiceError as exc:
            raise query_error(exc) from None
        return selectors.fund_proposal_list(actor=user, status=value(status) or None, project_id=pid)
