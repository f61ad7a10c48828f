"""Every write about vehicles: the network's catalogue, each site's stock and its photos."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from vicino.core.audit import audit_record, changes_apply, snapshot
from vicino.core.models import Network, Site, User

from .models import StockPhoto, StockVehicle, VehicleModel, vin_clean

PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
STOCK_EDITABLE_FIELDS = ("plate", "condition", "year", "km", "colour", "zone", "price", "status", "trim")


@transaction.atomic
def vehicle_model_create(*, by: User | None, network: Network, make: str, model: str, fuel: str, trim: str = "",
                         list_price: Decimal | None = None) -> VehicleModel:  # fmt: skip
    """Add a version to the network's catalogue."""
    entry = VehicleModel(network=network, make=make.strip(), model=model.strip(), trim=trim.strip(), fuel=fuel, list_price=list_price)
    entry.full_clean()
    entry.save()
    audit_record(by=by, action="vehicle.create", target=entry, changes=snapshot(entry, ["make", "model", "trim", "fuel", "list_price"]))
    return entry


@transaction.atomic
def stock_vehicle_create(*, by: User | None, site: Site, vin: str, price: Decimal, vehicle_model: VehicleModel | None = None, **fields) -> StockVehicle:
    """Put a vehicle in a site's stock; make, model and fuel come from the catalogue when it is in it."""
    if vehicle_model is not None:
        if vehicle_model.network_id != site.network_id:
            raise ValidationError({"vehicle_model": _("This belongs to another network.")}, code="wrong_network")
        fields.setdefault("make", vehicle_model.make)
        fields.setdefault("model", vehicle_model.model)
        fields.setdefault("trim", vehicle_model.trim)
        fields.setdefault("fuel", vehicle_model.fuel)
    vehicle = StockVehicle(network_id=site.network_id, site=site, vehicle_model=vehicle_model, vin=vin_clean(vin), price=price, **fields)
    vehicle.plate = vin_clean(vehicle.plate)
    # With the network checked too, so that a VIN already in its stock is refused by name.
    vehicle.full_clean(exclude=["site", "vehicle_model"])
    vehicle.save()
    audit_record(by=by, action="vehicle.create", target=vehicle, changes=snapshot(vehicle, ["vin", "make", "model", "condition", "price"]))
    return vehicle


@transaction.atomic
def stock_vehicle_update(*, by: User | None, vehicle: StockVehicle, data: dict) -> StockVehicle:
    """Change what the site can change about a vehicle (price, status, zone…); only real changes are audited."""
    unknown = set(data) - set(STOCK_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    if "plate" in data:
        data = {**data, "plate": vin_clean(data["plate"] or "")}
    changes = changes_apply(vehicle, data)
    if changes:
        vehicle.full_clean(exclude=["site", "vehicle_model"])
        vehicle.save()
        audit_record(by=by, action="vehicle.update", target=vehicle, changes=changes)
    return vehicle


@transaction.atomic
def stock_photo_add(*, by: User | None, vehicle: StockVehicle, upload: UploadedFile) -> StockPhoto:
    """Keep a photo of the vehicle once the file proves to be a JPEG, PNG or WebP image of sensible size."""
    if upload.size > PHOTO_MAX_BYTES:
        raise ValidationError({"image": _("The photo is larger than 10 MB.")}, code="too_big")
    try:
        with Image.open(upload) as image:
            image.verify()
            kind = image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        kind = None
    if kind not in PHOTO_FORMATS:
        raise ValidationError({"image": _("The file is not a JPEG, PNG or WebP photo.")}, code="not_an_image")
    upload.seek(0)
    position = vehicle.photos.count()
    photo = StockPhoto(vehicle=vehicle, image=upload, position=position)
    photo.save()
    audit_record(by=by, action="vehicle.update", target=vehicle, changes={"photos": [position, position + 1]})
    return photo
