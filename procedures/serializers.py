from rest_framework import serializers

from procedures.models import Agency, Fee, Field, Procedure, ProcessStep, RequiredDocument


class AgencySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Agency
        fields = [
            "code",
            "name",
            "short_name",
            "level",
            "kind",
            "parent",
            "has_one_stop_desk",
            "address",
            "phone",
        ]


class FieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = Field
        fields = ["code", "name"]


class RequiredDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = RequiredDocument
        fields = ["order", "name", "case", "originals", "copies", "mandatory", "form_name"]


class FeeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Fee
        fields = ["kind", "name", "amount", "note"]


class ProcessStepSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ProcessStep
        fields = ["order", "agency", "name", "working_days"]


class ProcedureListSerializer(serializers.ModelSerializer):
    field = serializers.SlugRelatedField(slug_field="code", read_only=True)
    field_name = serializers.CharField(source="field.name", read_only=True)
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)

    class Meta:
        model = Procedure
        fields = [
            "code",
            "name",
            "field",
            "field_name",
            "agency",
            "agency_name",
            "level",
            "processing_days",
            "time_unit",
            "online_level",
            "accepts_counter",
            "accepts_online",
            "accepts_postal",
            "on_the_spot",
        ]


class ProcedureDetailSerializer(ProcedureListSerializer):
    documents = RequiredDocumentSerializer(many=True, read_only=True)
    fees = FeeSerializer(many=True, read_only=True)
    process_steps = ProcessStepSerializer(many=True, read_only=True)

    class Meta(ProcedureListSerializer.Meta):
        fields = [
            *ProcedureListSerializer.Meta.fields,
            "processing_time_note",
            "applicants",
            "steps_description",
            "result",
            "conditions",
            "legal_basis",
            "documents",
            "fees",
            "process_steps",
        ]
