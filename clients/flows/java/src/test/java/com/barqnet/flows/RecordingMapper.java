package com.barqnet.flows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The generated client's own mapper, keeping the last body it parsed into a model. */
class RecordingMapper extends ObjectMapper {
  String last = "";

  RecordingMapper(ObjectMapper configured) {
    super(configured);
  }

  /** ApiClient keeps a copy of the mapper it is given; the copy must be this recorder. */
  @Override
  public ObjectMapper copy() {
    return this;
  }

  @Override
  public <T> T readValue(String content, TypeReference<T> type) throws JsonProcessingException {
    last = content;
    return super.readValue(content, type);
  }
}
