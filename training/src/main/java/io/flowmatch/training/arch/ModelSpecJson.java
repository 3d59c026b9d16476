package io.flowmatch.training.arch;

import com.google.gson.Gson;
import com.google.gson.JsonDeserializationContext;
import com.google.gson.JsonDeserializer;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonSerializationContext;
import com.google.gson.JsonSerializer;
import io.flowmatch.training.model.Architecture;
import io.flowmatch.training.model.ModelSpec;
import java.lang.reflect.Type;
import java.util.Map;

/**
 * The {@code model} object of {@code config.json}: {@code {"type": "dit", "width": 128, …}}, the
 * architecture's name followed by the fields of its spec record. Fields another architecture uses
 * (older runs saved every field of every architecture) are ignored on reading. Register with {@code
 * GsonBuilder.registerTypeHierarchyAdapter(ModelSpec.class, new ModelSpecJson())}.
 */
public final class ModelSpecJson implements JsonSerializer<ModelSpec>, JsonDeserializer<ModelSpec> {
  private static final Gson PLAIN = new Gson();

  @Override
  public JsonElement serialize(ModelSpec spec, Type type, JsonSerializationContext context) {
    JsonObject o = new JsonObject();
    o.addProperty("type", spec.type());
    for (Map.Entry<String, JsonElement> e : PLAIN.toJsonTree(spec).getAsJsonObject().entrySet()) {
      o.add(e.getKey(), e.getValue());
    }
    return o;
  }

  @Override
  public ModelSpec deserialize(JsonElement json, Type type, JsonDeserializationContext context) {
    if (json == null || !json.isJsonObject()) {
      throw new JsonParseException("model must be an object, got " + json);
    }
    JsonElement name = json.getAsJsonObject().get("type");
    if (name == null || !name.isJsonPrimitive()) {
      throw new JsonParseException("model has no type");
    }
    Architecture<?> a = Architectures.of(name.getAsString());
    return PLAIN.fromJson(json, a.specType());
  }
}
