"""Campaign-independent defaults that organisers may edit afterwards."""

# key, Vietnamese label, English label, min kg, max kg
SIZE_CLASSES = [
    ("bag", "Một túi / bao", "One bag", 1, 10),
    ("several_bags", "Vài túi / bao", "Several bags", 10, 50),
    ("cart", "Một xe đẩy / xe kéo", "A cart or trailer", 50, 300),
    ("truck", "Một xe tải trở lên", "A truckload or more", 300, 3000),
]


def seed_size_classes(model) -> int:
    """Create the default size classes that are missing; never touch edited ones.

    `model` is SizeClass (or its historical version inside a migration).
    Return how many were created.
    """
    created = 0
    for order, (key, label, label_en, min_kg, max_kg) in enumerate(SIZE_CLASSES):
        _obj, made = model.objects.get_or_create(
            key=key,
            defaults={
                "label": label,
                "label_en": label_en,
                "min_kg": min_kg,
                "max_kg": max_kg,
                "order": order,
            },
        )
        created += made
    return created
