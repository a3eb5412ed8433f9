"""Recognising ORM models: classes mapped to tables by SQLAlchemy, SQLModel or Django."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastlint.facts.records import ClassFact

if TYPE_CHECKING:
    from fastlint.model.project import Project

SQLMODEL = "sqlmodel.SQLModel"
DJANGO_MODELS = frozenset({"django.db.models.Model", "django.db.models.base.Model"})
DECLARATIVE_BASES = frozenset({
    "sqlalchemy.orm.DeclarativeBase", "sqlalchemy.orm.DeclarativeBaseNoMeta",
    "sqlalchemy.orm.decl_api.DeclarativeBase", "sqlalchemy.orm.decl_api.DeclarativeBaseNoMeta",
})
DECLARATIVE_FACTORIES = frozenset({
    "sqlalchemy.orm.declarative_base()", "sqlalchemy.ext.declarative.declarative_base()",
    "sqlalchemy.orm.decl_api.declarative_base()", "sqlalchemy.orm.registry().generate_base()",
})


def ancestors(project: "Project", cls: ClassFact) -> set[str]:
    """Every class a class derives from (project classes and the library classes they name)."""
    found: set[str] = set()
    for base in cls.bases:
        found.update(project.class_lineage(project.canonical(base)))
    return found


def is_orm_model(project: "Project", cls: ClassFact, lineage: set[str] | None = None) -> bool:
    """A mapped class: `SQLModel, table=True`, a subclass of a project's declarative base, or
    a Django model."""
    lineage = ancestors(project, cls) if lineage is None else lineage
    if lineage & DJANGO_MODELS:
        return not _binding_is_true(project, f"{cls.qualname}.Meta.abstract")
    if SQLMODEL in lineage:
        return any(key == "table" and value.value is True for key, value in cls.keywords)
    if _is_abstract(project, cls):
        return False
    # The base itself (`class Base(DeclarativeBase)`) is infrastructure, not a model.
    if any(project.canonical(base) in DECLARATIVE_BASES for base in cls.bases):
        return False
    return bool(lineage & DECLARATIVE_BASES) or bool(lineage & DECLARATIVE_FACTORIES)


def _is_abstract(project: "Project", cls: ClassFact) -> bool:
    return _binding_is_true(project, f"{cls.qualname}.__abstract__")


def _binding_is_true(project: "Project", qualname: str) -> bool:
    found = project.bindings.get(qualname)
    return found is not None and found[1].value.value is True
