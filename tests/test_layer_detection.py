"""Layer detection: each module by its name, checked against its content."""

from fastlint.engine import joined_project
from fastlint.model.layers import layering
from fastlint.testing import run

ROUTE = "from fastapi import APIRouter\nrouter = APIRouter()\n\n@router.get('/x')\ndef x():\n    return {}\n"
ORM = ("from sqlalchemy.orm import DeclarativeBase\nclass Base(DeclarativeBase): ...\n"
       "class Thing(Base):\n    __tablename__ = 'things'\n")
TYPED_DICT = "from typing import TypedDict\nclass Payload(TypedDict):\n    id: str\n"


def detect(files: dict[str, str]):
    result, _ = run(files, ("FL303",))
    return layering(joined_project(result.projects[0]), None)


def feature(name: str, router: str = "views", service_used: bool = True) -> dict[str, str]:
    uses = f"from shop.{name}.service import act\nACT = act\n" if service_used else ""
    return {
        f"shop/{name}/{router}.py": uses + ROUTE,
        f"shop/{name}/service.py": "def act():\n    return 1\n",
        f"shop/{name}/models.py": ORM,
    }


def test_singular_and_alias_names_make_a_feature_folder_a_layered_unit():
    layers = detect(feature("incident"))
    assert layers.parents == ("shop.incident",)
    assert layers.members() == {"routers": ["shop.incident.views"], "services": ["shop.incident.service"],
                                "models": ["shop.incident.models"]}
    assert layers.evidence("shop.incident.views") == "name views.py, declares routes"


def test_a_stray_plugin_folder_does_not_make_a_project_layered():
    layers = detect({
        "app/main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
        "app/plugins/slack/middleware.py": "def context_middleware(body, context, next):\n    next()\n",
        "app/plugins/slack/endpoints.py": ROUTE,
        "app/plugins/slack/models.py": TYPED_DICT,
    })
    assert not layers.active


def test_models_of_typed_dicts_are_schemas_and_schemas_of_orm_classes_are_models():
    layers = detect({**feature("incident"), "shop/incident/models.py": TYPED_DICT,
                     "shop/incident/schemas.py": ORM})
    assert layers.layer_of("shop.incident.models") == "schemas"
    assert layers.layer_of("shop.incident.schemas") == "models"


def test_a_services_module_no_router_uses_is_not_the_services_layer():
    files = {**feature("order", router="endpoints"), **feature("user", router="endpoints"),
             "shop/kit/services.py": "class ResourceService:\n    pass\n",
             "shop/order/service.py": "from shop.kit.services import ResourceService\n"
                                      "class OrderService(ResourceService): ...\ndef act():\n    return 1\n"}
    layers = detect(files)
    assert layers.layer_of("shop.order.service") == "services"
    assert layers.layer_of("shop.kit.services") is None
    assert layers.rejected()["shop.kit.services"] == "named services, no router uses it"


def test_a_router_name_without_routes_is_a_composition_root():
    files = {**feature("incident"), "shop/__init__.py": "", "shop/incident/__init__.py": "",
             "shop/incident/routes/__init__.py": "from fastapi import APIRouter\n"
                                                 "def build():\n    r = APIRouter()\n    return r\n"}
    layers = detect(files)
    assert layers.layer_of("shop.incident.routes") is None
    assert layers.rejected()["shop.incident.routes"] == "named routers, declares no routes"


def test_a_core_package_holding_layers_only_groups_them():
    layers = detect({
        "lnb/__init__.py": "",
        "lnb/core/__init__.py": "from lnb.core.db import db\nDB = db\n",
        "lnb/core/db.py": "db = object()\n",
        "lnb/core/views/api.py": "from lnb.core.services.pay import pay\nPAY = pay\n" + ROUTE,
        "lnb/core/services/pay.py": "def pay():\n    return 1\n",
        "lnb/core/crud/pay.py": "def get():\n    return 1\n",
    })
    assert layers.parents == ("lnb.core",)
    assert layers.layer_of("lnb.core") is None and layers.layer_of("lnb.core.db") is None
    assert layers.layer_of("lnb.core.crud.pay") == "repositories"


def test_the_guide_layout_one_level_down_is_one_unit():
    layers = detect({
        "app/api/routes/users.py": "from app.services.users import get\nGET = get\n" + ROUTE,
        "app/services/users.py": "def get():\n    return 1\n",
        "app/db/repositories/users.py": "def find():\n    return 1\n",
        "app/db/models/user.py": ORM,
    })
    assert layers.parents == ("app",)
    assert layers.layer_of("app.db.repositories.users") == "repositories"
    assert layers.layer_of("app.db.models.user") == "models"


def test_a_module_that_declares_routes_is_a_router_whatever_its_data_name():
    files = {**feature("incident"),
             "shop/incident/api/models.py": "from pydantic import BaseModel\nclass M(BaseModel):\n    x: int\n" + ROUTE}
    layers = detect(files)
    assert layers.layer_of("shop.incident.api.models") == "routers"
