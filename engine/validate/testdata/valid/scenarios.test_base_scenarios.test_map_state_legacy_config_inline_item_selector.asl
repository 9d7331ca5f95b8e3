{
 "StartAt": "MapState",
 "States": {
  "MapState": {
   "Type": "Map",
   "MaxConcurrency": 1,
   "ItemSelector": {
    "constantValue": "constant",
    "mapValue.$": "$$.Map.Item.Value",
    "fromInput.$": "$"
   },
   "Iterator": {
    "StartAt": "IteratorInner",
    "States": {
     "IteratorInner": {
      "Type": "Pass",
      "End": true
     }
    },
    "ProcessorConfig": {
     "Mode": "INLINE"
    }
   },
   "Next": "Finish"
  },
  "Finish": {
   "Type": "Succeed"
  }
 }
}