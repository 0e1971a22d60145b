from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.views import APIView

from config.throttling import AtomicAnonRateThrottle


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("Tên đăng nhập"), max_length=254)
    password = serializers.CharField(
        label=_("Mật khẩu"), max_length=128, style={"input_type": "password"}
    )


class TokenThrottle(AtomicAnonRateThrottle):
    scope = "token"
    rate = "20/min"


class TokenObtainApi(APIView):
    """Exchange a username (or email, or phone) and password for an API token."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = [TokenThrottle]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("Token", {"token": serializers.CharField()})},
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The Django request: django-axes marks a locked-out login on it, and
        # its middleware answers 429 (accounts.lockout).
        user = authenticate(
            request._request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if user is None:
            raise serializers.ValidationError(
                {"password": [_("Tên đăng nhập hoặc mật khẩu không đúng.")]},
                code="invalid_credentials",
            )
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key}, status=status.HTTP_200_OK)
